//! The corpus safety test: the real binary rewrites published asyncio projects (the `safety`
//! slice of scripts/corpus.txt, downloaded by scripts/corpus.py and cached) with every fix,
//! unsafe ones included, and nothing may break:
//!
//! - no crash: exit 0 or 1, or 2 only for files that do not compile to begin with; no panic,
//!   no "internal error" (a fix whose result does not parse);
//! - every file that python3 compiled before still compiles;
//! - files without findings are byte-identical to the originals;
//! - `--diff` applied with `git apply` gives exactly what `--write` gives;
//! - a second `--write` changes nothing.
//!
//! A corpus that cannot be downloaded fails the test: it never passes on nothing. Offline, skip
//! it with `cargo test -- --skip corpus`. `CANCELSAFE_CORPUS_SLICE=full` runs it on everything.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{cancelsafe, code, repo_path, run, text};

type Files = BTreeMap<PathBuf, Vec<u8>>;

/// A download of the corpus, or a run over half a million lines in a debug build.
const SLOW: std::time::Duration = std::time::Duration::from_secs(30 * 60);

/// Downloads (or finds in the cache) the slice; one folder per package.
fn fetch(slice: &str) -> Vec<PathBuf> {
    let output = common::output_within(Command::new("python3").arg(repo_path("scripts/corpus.py")).args(["fetch", slice]), None, SLOW);
    assert!(output.status.success(), "fetching the corpus failed:\n{}", text(&output.stderr));
    let folders: Vec<PathBuf> = text(&output.stdout).lines().map(PathBuf::from).collect();
    assert!(!folders.is_empty(), "the `{slice}` slice is empty");
    folders
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Every `.py` file under `root`, by path relative to it.
fn python_files(root: &Path) -> Files {
    fn walk(root: &Path, dir: &Path, files: &mut Files) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, files);
            } else if path.extension().is_some_and(|ext| ext == "py") {
                files.insert(path.strip_prefix(root).unwrap().to_path_buf(), std::fs::read(&path).unwrap());
            }
        }
    }
    let mut files = Files::new();
    walk(root, root, &mut files);
    files
}

/// The files under `root` that python3 does not compile (one python3 process for all).
fn compile_errors(root: &Path, packages: &[String]) -> BTreeSet<PathBuf> {
    let output = common::output_within(
        Command::new("python3").arg(repo_path("scripts/corpus.py")).arg("compile-errors").args(packages).current_dir(root),
        None,
        SLOW,
    );
    assert!(output.status.success(), "compile check failed to run:\n{}", text(&output.stderr));
    text(&output.stdout).lines().map(|line| PathBuf::from(line.split(": ").next().unwrap())).collect()
}

fn cancelsafe_in(root: &Path, args: &[&str], packages: &[String]) -> Output {
    let mut command = cancelsafe();
    command.args(args).args(packages);
    run(command, root)
}

/// Exit codes 0 and 1 only, or 2 when every error names a file that did not compile before;
/// never a panic or an internal error.
fn assert_no_crash(what: &str, output: &Output, broken_before: &BTreeSet<PathBuf>) {
    let stderr = text(&output.stderr);
    assert!(!stderr.contains("panicked"), "{what}: cancelsafe panicked:\n{stderr}");
    assert!(!stderr.contains("internal error"), "{what}: a fix produced code that does not parse:\n{stderr}");
    match code(output) {
        0 | 1 => {}
        2 => {
            for line in stderr.lines().filter(|line| line.starts_with("error: ")) {
                let path = line["error: ".len()..].split(':').next().unwrap();
                assert!(broken_before.contains(Path::new(path)), "{what}: error on a file that compiled before: {line}");
            }
        }
        other => panic!("{what}: exit code {other}:\n{stderr}"),
    }
}

/// `path:line:col: CODE …` lines: the files with findings, and the count per rule.
fn findings(stdout: &str) -> (BTreeSet<PathBuf>, BTreeMap<String, usize>) {
    let mut files = BTreeSet::new();
    let mut per_rule = BTreeMap::new();
    for line in stdout.lines() {
        let mut parts = line.splitn(4, ':');
        let (Some(path), Some(_line), Some(_column), Some(rest)) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
            continue;
        };
        let Some(rule) = rest.split_whitespace().next().filter(|word| word.starts_with("CS")) else { continue };
        files.insert(PathBuf::from(path));
        *per_rule.entry(rule.to_string()).or_insert(0) += 1;
    }
    (files, per_rule)
}

fn changed(before: &Files, after: &Files) -> Vec<PathBuf> {
    assert_eq!(before.keys().collect::<Vec<_>>(), after.keys().collect::<Vec<_>>(), "files were added or removed");
    before.iter().filter(|(path, bytes)| after[*path] != **bytes).map(|(path, _)| path.clone()).collect()
}

#[test]
fn corpus_rewrite_breaks_nothing() {
    let slice = std::env::var("CANCELSAFE_CORPUS_SLICE").unwrap_or_else(|_| "safety".to_string());
    let folders = fetch(&slice);
    let work = common::tempdir();
    let via_write = work.path().join("write");
    let via_patch = work.path().join("patch");
    let mut packages = Vec::new();
    for folder in &folders {
        let name = folder.file_name().unwrap();
        copy_tree(folder, &via_write.join(name));
        copy_tree(folder, &via_patch.join(name));
        packages.push(name.to_string_lossy().into_owned());
    }
    let originals = python_files(&via_write);
    let lines: usize = originals.values().map(|bytes| bytes.iter().filter(|b| **b == b'\n').count()).sum();
    let broken_before = compile_errors(&via_write, &packages);

    let check = cancelsafe_in(&via_write, &["--check", "--format", "concise"], &packages);
    assert_no_crash("--check", &check, &broken_before);
    let (with_findings, per_rule) = findings(&text(&check.stdout));

    let write = cancelsafe_in(&via_write, &["--write", "--unsafe-fixes", "--format", "concise"], &packages);
    assert_no_crash("--write", &write, &broken_before);
    let written = python_files(&via_write);
    let rewritten = changed(&originals, &written);
    for path in &rewritten {
        assert!(with_findings.contains(path), "{} changed but had no finding", path.display());
    }
    let broken_after = compile_errors(&via_write, &packages);
    let newly_broken: Vec<_> = broken_after.difference(&broken_before).collect();
    assert!(newly_broken.is_empty(), "the rewrite broke files that compiled before: {newly_broken:?}");

    let diff = cancelsafe_in(&via_patch, &["--diff", "--unsafe-fixes"], &packages);
    assert_no_crash("--diff", &diff, &broken_before);
    std::fs::write(work.path().join("fix.patch"), &diff.stdout).unwrap();
    let apply = common::output(Command::new("git").args(["apply", "../fix.patch"]).current_dir(&via_patch));
    assert!(apply.status.success(), "git apply rejected the --diff output:\n{}", text(&apply.stderr));
    let patched = python_files(&via_patch);
    let differs: Vec<_> = changed(&written, &patched);
    assert!(differs.is_empty(), "--diff + git apply differs from --write in {differs:?}");

    let again = cancelsafe_in(&via_write, &["--write", "--unsafe-fixes", "--format", "concise"], &packages);
    assert_no_crash("second --write", &again, &broken_before);
    let second = changed(&written, &python_files(&via_write));
    assert!(second.is_empty(), "a second --write changed {second:?}");

    // The numbers, for the CI log (written past the test harness's capture on purpose).
    let counts: Vec<String> = per_rule.iter().map(|(rule, n)| format!("{rule} {n}")).collect();
    let summary = text(&write.stdout).lines().last().unwrap_or_default().to_string();
    let _ = writeln!(
        std::io::stderr(),
        "corpus `{slice}`: {} packages, {} files, {lines} lines ({} do not compile before); findings: {}; {} files rewritten; --write: {summary}",
        packages.len(),
        originals.len(),
        broken_before.len(),
        counts.join(", "),
        rewritten.len(),
    );
}
