//! The results cache on the real binary: reruns give the same output as a first run, and an
//! edited file is always seen, however little its metadata moved; a corrupt or foreign cache
//! is ignored; `--write` never writes from it. (How much it saves is measured by
//! scripts/bench.py, see docs/benchmark.md.)

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Duration;

use common::{code, project, read, run, text};

const LEAKY: &str = "import asyncio\n\n\nasync def worker(log):\n    try:\n        await asyncio.sleep(10)\n    except asyncio.CancelledError:\n        log.append('stopped')\n        return\n";
/// As long as LEAKY, and clean.
const CLEAN: &str = "import asyncio\n\n\nasync def worker(log):\n    try:\n        await asyncio.sleep(10)\n    except asyncio.CancelledError:\n        log.append('stopped')\n        raise\n\n";
const DROPS_A_TASK: &str = "import asyncio\n\n\nasync def handle(job):\n    asyncio.create_task(job())\n";

/// The binary, settings from the project, the cache in its default place.
fn cancelsafe(dir: &Path, args: &[&str]) -> Output {
    let mut command = common::configured(args);
    command.env_remove("CANCELSAFE_CACHE_DIR").env_remove("CANCELSAFE_NO_CACHE");
    run(command, dir)
}

fn stdout(output: &Output) -> String {
    text(&output.stdout)
}

/// The cache files this build wrote under `root`.
fn cache_files(root: &Path) -> Vec<PathBuf> {
    let Ok(builds) = std::fs::read_dir(root) else { return Vec::new() };
    let mut files: Vec<PathBuf> = builds
        .flatten()
        .filter(|entry| entry.path().is_dir())
        .flat_map(|build| std::fs::read_dir(build.path()).unwrap().flatten().map(|entry| entry.path()))
        .collect();
    files.sort();
    files
}

/// Writes `contents` to `path` and puts its modification time back to what it was, to the
/// nanosecond: only the content and the change time differ.
fn rewrite_keeping_mtime(path: &Path, contents: &str) {
    let modified = std::fs::metadata(path).unwrap().modified().unwrap();
    assert_eq!(std::fs::metadata(path).unwrap().len(), contents.len() as u64, "the edit must keep the size");
    std::fs::write(path, contents).unwrap();
    std::fs::File::options().write(true).open(path).unwrap().set_modified(modified).unwrap();
    assert_eq!(std::fs::metadata(path).unwrap().modified().unwrap(), modified);
}

#[test]
fn a_rerun_prints_what_the_first_run_printed_and_rewrites_nothing() {
    let dir = project(&[("src/a.py", LEAKY.as_bytes()), ("src/b.py", CLEAN.as_bytes()), ("src/c.py", DROPS_A_TASK.as_bytes())]);
    for args in [&["--check", "src"][..], &["--check", "--format", "json", "src"], &["src"], &["--diff", "src"]] {
        let first = cancelsafe(dir.path(), args);
        let second = cancelsafe(dir.path(), args);
        let uncached = cancelsafe(dir.path(), &[args, &["--no-cache"]].concat());
        assert_eq!(code(&first), 1, "{args:?}");
        for output in [&second, &uncached] {
            assert_eq!((code(output), stdout(output), text(&output.stderr)), (code(&first), stdout(&first), text(&first.stderr)), "{args:?}");
        }
    }
    let root = dir.path().join(".cancelsafe_cache");
    assert_eq!(read(&root, ".gitignore"), "# Automatically created by cancelsafe.\n*\n");
    assert!(root.join("CACHEDIR.TAG").is_file());
    let files = cache_files(&root);
    assert_eq!(files.len(), 1, "one cache file for one configuration: {files:?}");
    let contents = std::fs::read_to_string(&files[0]).unwrap();
    for name in ["a.py", "b.py", "c.py"] {
        assert!(contents.contains(&format!("/src/{name}\"")), "{name} is cached:\n{contents}");
    }
    // git keeps the cache out: its .gitignore ignores everything in it.
    let git = |args: &[&str]| {
        let mut command = std::process::Command::new("git");
        command.args(args);
        run(command, dir.path())
    };
    assert!(git(&["init", "-q"]).status.success());
    let status = stdout(&git(&["status", "--porcelain", "--untracked-files=all"]));
    assert!(status.contains("src/a.py") && !status.contains("cancelsafe_cache"), "{status}");
}

#[test]
fn an_edit_is_seen_even_when_it_keeps_the_size_and_the_modification_time() {
    let dir = project(&[("a.py", CLEAN.as_bytes())]);
    let path = dir.path().join("a.py");
    assert_eq!(code(&cancelsafe(dir.path(), &["--check", "a.py"])), 0);

    // Right after the run, as an editor saving twice in the same clock tick would.
    rewrite_keeping_mtime(&path, LEAKY);
    let output = cancelsafe(dir.path(), &["--check", "a.py"]);
    assert_eq!(code(&output), 1, "the new leak is found:\n{}", stdout(&output));
    assert!(stdout(&output).contains("a.py:7:5: CS101"), "{}", stdout(&output));

    rewrite_keeping_mtime(&path, CLEAN);
    let output = cancelsafe(dir.path(), &["--check", "a.py"]);
    assert_eq!(code(&output), 0, "the fix is seen:\n{}", stdout(&output));
}

const SERVICE: &str = "import anyio\n\nfrom .compat import resync\nfrom .late import close\n\n\nasync def serve(run):\n    try:\n        await run()\n    finally:\n        await resync()\n\n\nasync def stop(run):\n    try:\n        await run()\n    finally:\n        await close()\n";
const SHIELDED_RESYNC: &str = "import anyio.lowlevel\n\n\nasync def resync():\n    await anyio.lowlevel.cancel_shielded_checkpoint()\n";
const CHECKPOINTING_RESYNC: &str = "import anyio\n\n\nasync def resync():\n    await anyio.sleep(0)\n";
const SHIELDED_CLOSE: &str = "import anyio.lowlevel\n\n\nasync def close():\n    await anyio.lowlevel.cancel_shielded_checkpoint()\n";

/// CS301 reads the callees a module imports from its project (`from .compat import resync`):
/// the cached findings of a file hold only while those modules, and the ones it looked for and
/// did not find, are as they were.
#[test]
fn a_change_to_an_imported_module_of_the_project_is_seen() {
    let dir = project(&[("pkg/__init__.py", b""), ("pkg/compat.py", SHIELDED_RESYNC.as_bytes()), ("pkg/service.py", SERVICE.as_bytes())]);
    // Past the window in which a module changed just before it was read is not cached.
    std::thread::sleep(Duration::from_secs(12));
    let first = cancelsafe(dir.path(), &["--check", "--format", "concise", "pkg"]);
    assert!(!stdout(&first).contains("service.py:11:"), "resync() shields itself:\n{}", stdout(&first));
    assert!(stdout(&first).contains("service.py:18:9: CS301"), "close() is not known (pkg/late.py is missing):\n{}", stdout(&first));
    let files = cache_files(&dir.path().join(".cancelsafe_cache"));
    let contents = std::fs::read_to_string(&files[0]).unwrap();
    assert!(contents.contains("/pkg/compat.py\"") && contents.contains("/pkg/late.py\""), "the modules read are in the entry:\n{contents}");
    assert_eq!(stdout(&cancelsafe(dir.path(), &["--check", "--format", "concise", "pkg"])), stdout(&first));

    std::fs::write(dir.path().join("pkg/compat.py"), CHECKPOINTING_RESYNC).unwrap();
    let output = cancelsafe(dir.path(), &["--check", "--format", "concise", "pkg"]);
    assert!(stdout(&output).contains("service.py:11:9: CS301"), "resync() checkpoints now:\n{}", stdout(&output));

    std::fs::write(dir.path().join("pkg/late.py"), SHIELDED_CLOSE).unwrap();
    let output = cancelsafe(dir.path(), &["--check", "--format", "concise", "pkg"]);
    assert!(!stdout(&output).contains("service.py:18:"), "close() exists now and shields itself:\n{}", stdout(&output));
}

/// Long after the file was last changed, its entry is trusted on its metadata alone; an edit
/// that puts the modification time back still moves the change time.
#[test]
fn an_edit_long_after_the_last_one_is_seen_too() {
    let dir = project(&[("a.py", CLEAN.as_bytes()), ("b.py", LEAKY.as_bytes())]);
    // Past the window in which a recently changed file has its content compared.
    std::thread::sleep(Duration::from_secs(12));
    assert_eq!(code(&cancelsafe(dir.path(), &["--check", "."])), 1);
    assert_eq!(code(&cancelsafe(dir.path(), &["--check", "."])), 1);

    rewrite_keeping_mtime(&dir.path().join("a.py"), LEAKY);
    rewrite_keeping_mtime(&dir.path().join("b.py"), CLEAN);
    let output = cancelsafe(dir.path(), &["--check", "."]);
    assert!(stdout(&output).contains("a.py:7:5: CS101"), "{}", stdout(&output));
    assert!(!stdout(&output).contains("b.py"), "{}", stdout(&output));

    // Permissions are part of the key too (a chmod moves the change time as well).
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir.path().join("a.py"), std::fs::Permissions::from_mode(0o600)).unwrap();
    assert!(stdout(&cancelsafe(dir.path(), &["--check", "."])).contains("a.py:7:5: CS101"));
}

#[test]
fn other_settings_are_never_served_results_cached_under_these() {
    let dir = project(&[("a.py", LEAKY.as_bytes()), ("b.py", DROPS_A_TASK.as_bytes())]);
    let only = |rule: &str| {
        let output = cancelsafe(dir.path(), &["--check", "--select", rule, "."]);
        stdout(&output).lines().filter(|line| line.contains(": CS")).map(|line| line.split(' ').nth(1).unwrap().to_string()).collect::<Vec<_>>()
    };
    assert_eq!(only("CS101"), ["CS101"]);
    assert_eq!(only("CS201"), ["CS201"]);
    assert_eq!(only("CS101"), ["CS101"]);

    // The configuration file, then the target version it implies.
    std::fs::write(dir.path().join("pyproject.toml"), "[tool.cancelsafe]\nignore = [\"CS101\"]\n").unwrap();
    assert!(!stdout(&cancelsafe(dir.path(), &["--check", "."])).contains("CS101"));
    std::fs::write(dir.path().join("pyproject.toml"), "[tool.cancelsafe]\n").unwrap();
    assert!(stdout(&cancelsafe(dir.path(), &["--check", "."])).contains("CS101"));
    let helper = |args: &[&str]| stdout(&cancelsafe(dir.path(), &[&["--diff", "b.py"][..], args].concat()));
    assert!(helper(&[]).contains("+_background_tasks: set[asyncio.Task] = set()"));
    assert!(helper(&["--target-version", "py38"]).contains("+_background_tasks = set()"), "py38 has no set[...] annotation");
    assert!(helper(&["--helper-module", "app.tasks"]).contains("+from app.tasks import track_task"));
}

#[test]
fn write_after_a_cached_check_fixes_the_file_from_its_text() {
    let dir = project(&[("a.py", LEAKY.as_bytes())]);
    assert_eq!(code(&cancelsafe(dir.path(), &["--check", "a.py"])), 1);
    assert_eq!(code(&cancelsafe(dir.path(), &["--check", "a.py"])), 1);
    let output = cancelsafe(dir.path(), &["--write", "a.py"]);
    assert_eq!(code(&output), 0, "{}", stdout(&output));
    assert_eq!(read(dir.path(), "a.py"), LEAKY.replace("        return\n", "        raise\n"));
    let output = cancelsafe(dir.path(), &["--check", "a.py"]);
    assert_eq!(code(&output), 0, "{}", stdout(&output));
    assert_eq!(code(&cancelsafe(dir.path(), &["--write", "a.py"])), 0);
    assert_eq!(read(dir.path(), "a.py"), LEAKY.replace("        return\n", "        raise\n"));
}

#[test]
fn a_corrupt_or_foreign_cache_is_ignored_and_replaced() {
    let dir = project(&[("a.py", LEAKY.as_bytes()), ("b.py", CLEAN.as_bytes())]);
    let expected = stdout(&cancelsafe(dir.path(), &["--check", "."]));
    let file = cache_files(&dir.path().join(".cancelsafe_cache")).pop().expect("a cache file");
    let good = std::fs::read(&file).unwrap();
    let good_text = String::from_utf8(good.clone()).unwrap();

    // Entries that claim a.py is clean and b.py leaks, with the checksum left as it was.
    let swapped = good_text.replace("/a.py\"", "/x.py\"").replace("/b.py\"", "/a.py\"").replace("/x.py\"", "/b.py\"");
    assert_ne!(swapped, good_text);
    let corruptions: Vec<Vec<u8>> =
        vec![swapped.into_bytes(), good[..good.len() - 7].to_vec(), b"garbage".to_vec(), Vec::new(), good_text.replace("cancelsafe results cache", "another tool's cache").into_bytes()];
    for corrupt in corruptions {
        std::fs::write(&file, &corrupt).unwrap();
        let output = cancelsafe(dir.path(), &["--check", "."]);
        assert_eq!(stdout(&output), expected, "with a cache file of {:?}", text(&corrupt));
        assert_eq!(text(&std::fs::read(&file).unwrap()).lines().count(), 2, "replaced by a sound one");
    }
}

#[test]
fn no_cache_cache_dir_and_the_environment() {
    let dir = project(&[("a.py", LEAKY.as_bytes())]);
    assert_eq!(code(&cancelsafe(dir.path(), &["--check", "--no-cache", "a.py"])), 1);
    let mut command = common::configured(&["--check", "a.py"]);
    command.env("CANCELSAFE_NO_CACHE", "1");
    assert_eq!(code(&run(command, dir.path())), 1);
    assert!(!dir.path().join(".cancelsafe_cache").exists(), "--no-cache and CANCELSAFE_NO_CACHE write nothing");

    let elsewhere = tempfile::tempdir().unwrap();
    let mut command = common::configured(&["--check", "a.py"]);
    command.env("CANCELSAFE_CACHE_DIR", elsewhere.path().join("from-env"));
    assert_eq!(code(&run(command, dir.path())), 1);
    assert_eq!(cache_files(&elsewhere.path().join("from-env")).len(), 1);
    let flag = elsewhere.path().join("from-flag");
    assert_eq!(code(&cancelsafe(dir.path(), &["--check", "--cache-dir", flag.to_str().unwrap(), "a.py"])), 1);
    assert_eq!(cache_files(&flag).len(), 1);
    assert!(!dir.path().join(".cancelsafe_cache").exists());

    // A cache that cannot be written costs a warning, never the result.
    std::fs::write(dir.path().join("not-a-folder"), "").unwrap();
    let output = cancelsafe(dir.path(), &["--check", "--cache-dir", "not-a-folder", "a.py"]);
    assert_eq!(code(&output), 1);
    assert!(stdout(&output).contains("a.py:7:5: CS101"));
    assert!(text(&output.stderr).starts_with("warning: the results cache was not saved"), "{}", text(&output.stderr));
    let output = cancelsafe(dir.path(), &["--check", "--quiet", "--cache-dir", "not-a-folder", "a.py"]);
    assert!(output.stderr.is_empty(), "{}", text(&output.stderr));
}

#[test]
fn a_file_that_disappears_or_moves_is_not_served_from_the_cache() {
    let dir = project(&[("a.py", LEAKY.as_bytes()), ("b.py", CLEAN.as_bytes())]);
    assert_eq!(code(&cancelsafe(dir.path(), &["--check", "."])), 1);
    // b.py replaced by a.py's leaky content: a new inode, a new change time.
    std::fs::rename(dir.path().join("a.py"), dir.path().join("b.py")).unwrap();
    let output = cancelsafe(dir.path(), &["--check", "."]);
    assert!(stdout(&output).contains("b.py:7:5: CS101") && !stdout(&output).contains("a.py"), "{}", stdout(&output));
    let file = cache_files(&dir.path().join(".cancelsafe_cache")).pop().unwrap();
    assert!(!std::fs::read_to_string(file).unwrap().contains("/a.py\""), "the entry of a file that is gone is dropped");
}
