//! Formatter-clean insertions: on a file that black, `ruff format` and ruff's import sorting
//! accept, what `--write` adds must give them nothing to complain about either, nor pass 88
//! columns. Each case of transforms/ is first formatted and import-sorted by the real tools (the
//! virtualenv of tests/requirements.txt), then fixed by the binary; a formatter's changes to
//! the fixed file count only where they touch lines cancelsafe added, so what the formatters
//! think of the case's own code is not judged.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;
use serde_json::Value;
use similar::{DiffTag, TextDiff};

const LINE_LENGTH: usize = 88;

struct Tools {
    python: PathBuf,
}

impl Tools {
    fn run(&self, args: &[&str], file: &Path) -> std::process::Output {
        Command::new(&self.python).args(["-m"]).args(args).arg(file).output().unwrap()
    }

    /// The file formatted by `tool` (`black` or `ruff format`), or `None` if it cannot.
    fn formatted(&self, tool: &[&str], text: &str, scratch: &Path) -> Option<String> {
        let file = scratch.join("formatted.py");
        std::fs::write(&file, text).unwrap();
        let output = self.run(tool, &file);
        output.status.success().then(|| std::fs::read_to_string(&file).unwrap())
    }

    /// ruff's complaints (`I001`, `E501` at 88 columns) as (code, first line, last line), 0-based.
    fn lint(&self, text: &str, scratch: &Path) -> Vec<(String, usize, usize)> {
        let file = scratch.join("lint.py");
        std::fs::write(&file, text).unwrap();
        let output = self.run(
            &["ruff", "check", "--isolated", "--no-cache", "--select", "I001,E501", "--line-length", "88", "--output-format", "json", "--exit-zero"],
            &file,
        );
        let findings: Vec<Value> = serde_json::from_slice(&output.stdout).unwrap_or_else(|_| panic!("ruff: {}", text_of(&output.stderr)));
        let row = |f: &Value, key: &str| f[key]["row"].as_u64().unwrap() as usize - 1;
        findings.iter().map(|f| (f["code"].as_str().unwrap().to_string(), row(f, "location"), row(f, "end_location"))).collect()
    }
}

fn text_of(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The lines of `new` that are not in `old` (0-based).
fn added_lines(old: &str, new: &str) -> BTreeSet<usize> {
    let diff = TextDiff::from_lines(old, new);
    diff.ops().iter().filter(|op| op.tag() != DiffTag::Equal).flat_map(|op| op.new_range()).collect()
}

/// The lines of `text` a formatter changes: those it rewrites or removes, and for a line it
/// inserts (a blank line) the lines on both sides.
fn touched_lines(text: &str, formatted: &str) -> BTreeSet<usize> {
    let diff = TextDiff::from_lines(text, formatted);
    let mut touched = BTreeSet::new();
    for op in diff.ops().iter().filter(|op| op.tag() != DiffTag::Equal) {
        let old = op.old_range();
        if old.is_empty() {
            touched.extend([old.start.saturating_sub(1), old.start]);
        } else {
            touched.extend(old);
        }
    }
    touched
}

fn cases() -> Vec<PathBuf> {
    let mut cases: Vec<PathBuf> = std::fs::read_dir(repo_path("transforms"))
        .unwrap()
        .flat_map(|rule| std::fs::read_dir(rule.unwrap().path().join("cases")).into_iter().flatten())
        .map(|case| case.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "py"))
        .collect();
    cases.sort();
    cases
}

#[test]
fn what_write_adds_is_formatter_clean() {
    let complaints = complaints(&[]);
    assert!(complaints.is_empty(), "{} complaints:\n{}", complaints.len(), complaints.join("\n"));
}

/// What the formatters say about the lines `--write --unsafe-fixes RULES` adds to each case.
fn complaints(rules: &[&str]) -> Vec<String> {
    let tools = Tools { python: test_python() };
    let scratch = tempfile::tempdir().unwrap();
    let (mut judged, mut skipped) = (0, Vec::new());
    let mut complaints = Vec::new();
    for case in cases() {
        let name = case.strip_prefix(repo_path("transforms")).unwrap().display().to_string();
        // The case as a formatted, import-sorted project file.
        let file = scratch.path().join("case.py");
        std::fs::copy(&case, &file).unwrap();
        tools.run(&["ruff", "check", "--isolated", "--no-cache", "--select", "I", "--fix", "--exit-zero", "--quiet"], &file);
        if !tools.run(&["black", "--quiet"], &file).status.success() {
            skipped.push(name);
            continue;
        }
        let original = std::fs::read_to_string(&file).unwrap();
        let mut args = vec!["--write", "--unsafe-fixes", "--quiet", "case.py"];
        args.extend_from_slice(rules);
        run(cmd(&args), scratch.path());
        let fixed = std::fs::read_to_string(&file).unwrap();
        if fixed == original {
            continue;
        }
        judged += 1;
        let added = added_lines(&original, &fixed);
        let lines: Vec<&str> = fixed.lines().collect();
        // `--fast`: black's own safety check re-parses with this Python (3.11), which rejects the
        // 3.14-only syntax some cases keep; what is judged is what black would change.
        for (tool, args) in [("black", &["black", "--quiet", "--fast"][..]), ("ruff format", &["ruff", "format", "--isolated", "--no-cache", "--quiet"][..])] {
            let formatted = tools.formatted(args, &fixed, scratch.path()).unwrap_or_else(|| panic!("{tool} cannot format the fixed {name}:\n{fixed}"));
            for line in touched_lines(&fixed, &formatted).intersection(&added) {
                complaints.push(format!("{name}:{}: {tool} changes an added line: {:?}", line + 1, lines.get(*line).unwrap_or(&"")));
            }
        }
        let before = tools.lint(&original, scratch.path());
        for (code, first, last) in tools.lint(&fixed, scratch.path()) {
            let ours = (first..=last).any(|line| added.contains(&line));
            let already = before.iter().any(|(c, _, _)| *c == code && code == "I001");
            if ours && !already {
                complaints.push(format!("{name}:{}: ruff {code} on an added line: {:?}", first + 1, lines.get(first).unwrap_or(&"")));
            }
        }
        for line in &added {
            let length = lines.get(*line).map_or(0, |text| text.chars().count());
            if length > LINE_LENGTH {
                complaints.push(format!("{name}:{}: an added line is {length} columns long", line + 1));
            }
        }
    }
    assert!(judged >= 20, "only {judged} cases changed by --write (skipped, black cannot format them: {skipped:?})");
    complaints
}
