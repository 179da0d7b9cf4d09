//! The command-line contract, exercised on the real binary with real files.

mod common;

use std::process::Command;

use cancelsafe::rules::Rule;
use common::{cancelsafe, cmd, code, compiles, project, read, run, text};

const LEAKY: &str = "import asyncio\n\n\nasync def worker(log):\n    try:\n        await asyncio.sleep(10)\n    except asyncio.CancelledError:\n        log.append('stopped')\n        return\n";
const CLEAN: &str = "import asyncio\n\n\nasync def worker():\n    try:\n        await asyncio.sleep(10)\n    except asyncio.CancelledError:\n        raise\n";

#[test]
fn default_mode_prints_findings_and_diff_and_writes_nothing() {
    let dir = project(&[("src/app.py", LEAKY.as_bytes())]);
    let output = run(cmd(&["src"]), dir.path());
    assert_eq!(code(&output), 1);
    let stdout = text(&output.stdout);
    assert!(stdout.contains("src/app.py:7:5: CS101 swallowed-cancellation [*]"), "{stdout}");
    assert!(stdout.contains("--- a/src/app.py\n+++ b/src/app.py\n"), "{stdout}");
    assert!(stdout.contains("-        return\n+        raise\n"), "{stdout}");
    assert!(stdout.contains("Found 1 leak in 1 file (1 fixable with --write)."), "{stdout}");
    assert_eq!(read(dir.path(), "src/app.py"), LEAKY);
}

#[test]
fn check_exit_codes() {
    let leaky = project(&[("a.py", LEAKY.as_bytes())]);
    assert_eq!(code(&run(cmd(&["--check", "."]), leaky.path())), 1);
    let clean = project(&[("a.py", CLEAN.as_bytes())]);
    let output = run(cmd(&["--check", "."]), clean.path());
    assert_eq!(code(&output), 0, "{}", text(&output.stdout));
    assert!(text(&output.stdout).contains("No cancellation leaks found in 1 file."));
    assert_eq!(code(&run(cmd(&["--check", "--select", "CS9"]), clean.path())), 2);
    assert_eq!(code(&run(cmd(&["--check", "--target-version", "py27"]), clean.path())), 2);
    assert_eq!(code(&run(cmd(&["--check", "missing_dir"]), clean.path())), 2);
}

#[test]
fn diff_applied_with_git_apply_equals_write() {
    let files: &[(&str, &[u8])] = &[("pkg/a.py", LEAKY.as_bytes()), ("pkg/b.py", CLEAN.as_bytes())];
    let via_patch = project(files);
    let via_write = project(files);

    let diff = run(cmd(&["--diff", "pkg"]), via_patch.path());
    assert_eq!(code(&diff), 1);
    assert!(text(&diff.stderr).contains("Found 1 leak"), "summary goes to stderr: {}", text(&diff.stderr));
    std::fs::write(via_patch.path().join("fix.patch"), &diff.stdout).unwrap();
    let git = common::status(Command::new("git").args(["apply", "fix.patch"]).current_dir(via_patch.path()));
    assert!(git.success(), "git apply rejected:\n{}", text(&diff.stdout));

    let write = run(cmd(&["--write", "pkg"]), via_write.path());
    assert_eq!(code(&write), 0, "{}", text(&write.stdout));
    for name in ["pkg/a.py", "pkg/b.py"] {
        assert_eq!(read(via_patch.path(), name), read(via_write.path(), name), "{name}");
    }
    assert_ne!(read(via_write.path(), "pkg/a.py"), LEAKY);

    // Idempotence: nothing left to fix, nothing changes.
    let again = run(cmd(&["--diff", "pkg"]), via_write.path());
    assert_eq!(code(&again), 0);
    assert!(again.stdout.is_empty());
}

#[test]
fn write_keeps_permissions_and_leaves_clean_files_alone() {
    use std::os::unix::fs::PermissionsExt;
    let dir = project(&[("a.py", LEAKY.as_bytes()), ("b.py", CLEAN.as_bytes())]);
    std::fs::set_permissions(dir.path().join("a.py"), std::fs::Permissions::from_mode(0o751)).unwrap();
    let before = std::fs::metadata(dir.path().join("b.py")).unwrap().modified().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    let output = run(cmd(&["--write", "."]), dir.path());
    assert_eq!(code(&output), 0);
    assert!(text(&output.stdout).contains("(1 fixed, 0 need review)"), "{}", text(&output.stdout));
    let mode = std::fs::metadata(dir.path().join("a.py")).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o751);
    assert_eq!(std::fs::metadata(dir.path().join("b.py")).unwrap().modified().unwrap(), before);
    let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).filter(|name| name != ".cancelsafe_cache").collect();
    assert_eq!(leftovers.len(), 2, "temporary files left behind: {leftovers:?}");
}

#[test]
fn unsafe_fixes_need_the_flag() {
    let retry = "import asyncio\n\n\nasync def poll(q):\n    while True:\n        try:\n            await q.get()\n        except asyncio.CancelledError:\n            continue\n";
    let dir = project(&[("a.py", retry.as_bytes())]);
    let output = run(cmd(&["--write", "a.py"]), dir.path());
    assert_eq!(code(&output), 1, "unsafe fix not applied, leak remains");
    let stdout = text(&output.stdout);
    assert!(stdout.contains("(unsafe fix: `continue` keeps the loop going on cancel"), "the reason is shown: {stdout}");
    assert!(stdout.contains("review them with `cancelsafe -i` or `--unsafe-fixes --diff`"), "{stdout}");
    assert_eq!(read(dir.path(), "a.py"), retry);
    let output = run(cmd(&["--write", "--unsafe-fixes", "a.py"]), dir.path());
    assert_eq!(code(&output), 0);
    assert!(read(dir.path(), "a.py").contains("            raise\n"));
}

#[test]
fn crlf_and_tabs_are_kept() {
    let crlf = LEAKY.replace('\n', "\r\n");
    let tabs = "import asyncio\n\n\nasync def worker(conn):\n\ttry:\n\t\tawait conn.read()\n\texcept BaseException:\n\t\tconn.close()\n";
    let dir = project(&[("crlf.py", crlf.as_bytes()), ("tabs.py", tabs.as_bytes())]);
    let diff = run(cmd(&["--diff", "."]), dir.path());
    std::fs::write(dir.path().join("fix.patch"), &diff.stdout).unwrap();
    let output = run(cmd(&["--write", "."]), dir.path());
    assert_eq!(code(&output), 0, "{}", text(&output.stdout));

    let fixed = read(dir.path(), "crlf.py");
    assert!(fixed.contains("        raise\r\n"), "{fixed:?}");
    assert!(!fixed.replace("\r\n", "").contains('\n'), "a bare LF was inserted: {fixed:?}");
    let fixed = read(dir.path(), "tabs.py");
    assert_eq!(
        fixed,
        "import asyncio\n\n\nasync def worker(conn):\n\tcancels_before = asyncio.current_task().cancelling()\n\ttry:\n\t\tawait conn.read()\n\texcept BaseException as exc:\n\t\tconn.close()\n\t\tif (\n\t\t\tisinstance(exc, asyncio.CancelledError)\n\t\t\tand asyncio.current_task().cancelling() > cancels_before\n\t\t):\n\t\t\traise\n"
    );
    for name in ["crlf.py", "tabs.py"] {
        assert!(compiles(&dir.path().join(name)));
    }
    // The CRLF patch applies too.
    let fresh = project(&[("crlf.py", crlf.as_bytes()), ("tabs.py", tabs.as_bytes())]);
    std::fs::copy(dir.path().join("fix.patch"), fresh.path().join("fix.patch")).unwrap();
    let git = common::status(Command::new("git").args(["apply", "fix.patch"]).current_dir(fresh.path()));
    assert!(git.success());
    assert_eq!(read(fresh.path(), "crlf.py"), read(dir.path(), "crlf.py"));
}

#[test]
fn bom_and_coding_line_are_kept() {
    let source = format!("\u{feff}# -*- coding: utf-8 -*-\n{LEAKY}");
    let dir = project(&[("a.py", source.as_bytes())]);
    assert_eq!(code(&run(cmd(&["--write", "a.py"]), dir.path())), 0);
    let bytes = std::fs::read(dir.path().join("a.py")).unwrap();
    assert!(bytes.starts_with("\u{feff}# -*- coding: utf-8 -*-\n".as_bytes()));
    assert!(text(&bytes).contains("        raise\n"));
}

#[test]
fn parse_error_is_reported_and_other_files_still_processed() {
    let broken = "import asyncio\n\nasync def f(:\n    pass\n";
    let dir = project(&[("a_broken.py", broken.as_bytes()), ("b_leaky.py", LEAKY.as_bytes())]);
    let output = run(cmd(&["--write", "."]), dir.path());
    assert_eq!(code(&output), 2);
    let stderr = text(&output.stderr);
    assert!(stderr.contains("error: a_broken.py:3:13: syntax error"), "{stderr}");
    assert_eq!(read(dir.path(), "a_broken.py"), broken);
    assert!(read(dir.path(), "b_leaky.py").contains("        raise\n"), "the good file was still fixed");
}

#[test]
fn non_utf8_file_is_named_and_untouched() {
    let mut bytes = b"import asyncio\n# caf".to_vec();
    bytes.push(0xe9);
    bytes.extend_from_slice(b"\n\n\nasync def f():\n    try:\n        await asyncio.sleep(1)\n    except asyncio.CancelledError:\n        pass\n");
    let dir = project(&[("latin1.py", &bytes)]);
    let output = run(cmd(&["--write", "latin1.py"]), dir.path());
    assert_eq!(code(&output), 2);
    let stderr = text(&output.stderr);
    assert!(stderr.contains("latin1.py:2:6: file is not valid UTF-8 (byte 0xe9)"), "{stderr}");
    assert_eq!(std::fs::read(dir.path().join("latin1.py")).unwrap(), bytes);
}

#[test]
fn stdin_mode_prints_the_fixed_source() {
    let output = common::output_with_input(cancelsafe().arg("-"), Some(LEAKY.as_bytes()));
    assert_eq!(code(&output), 0, "{}", text(&output.stderr));
    assert_eq!(text(&output.stdout), LEAKY.replace("        return\n", "        raise\n"));
}

#[test]
fn gitignored_and_virtualenv_files_are_skipped_but_explicit_files_are_not() {
    let dir = project(&[
        (".gitignore", b"generated/\n"),
        ("generated/a.py", LEAKY.as_bytes()),
        ("env/pyvenv.cfg", b"home = /usr\n"),
        ("env/lib/b.py", LEAKY.as_bytes()),
        ("lib/site-packages/c.py", LEAKY.as_bytes()),
        ("src/d.py", LEAKY.as_bytes()),
    ]);
    let output = run(cmd(&["--check", "."]), dir.path());
    let stdout = text(&output.stdout);
    assert!(stdout.contains("src/d.py"), "{stdout}");
    assert!(!stdout.contains("generated/") && !stdout.contains("env/") && !stdout.contains("site-packages"), "{stdout}");
    let output = run(cmd(&["--check", "generated/a.py"]), dir.path());
    assert!(text(&output.stdout).contains("generated/a.py:7:5"));
}

#[test]
fn explain_and_list_rules_print_the_rule_pages() {
    let dir = common::tempdir();
    let output = run(cmd(&["--explain", "CS101"]), dir.path());
    assert_eq!(code(&output), 0);
    assert!(text(&output.stdout).starts_with("# CS101 swallowed-cancellation"));
    let output = run(cmd(&["--list-rules"]), dir.path());
    let listing = text(&output.stdout);
    let long = listing.lines().find(|line| line.chars().count() > 100);
    assert!(long.is_none(), "--list-rules fits in 100 columns: {long:?}");
    let index = std::fs::read_to_string(common::repo_path("docs/rules.md")).unwrap();
    // `CODE  name  fix` then the summary, indented and wrapped.
    let mut rules: Vec<(String, String, String, String)> = Vec::new();
    for line in listing.lines().skip(1).take_while(|line| !line.is_empty()) {
        match line.strip_prefix("       ") {
            Some(summary) => {
                let last = rules.last_mut().expect("a rule before its summary");
                last.3 = format!("{} {summary}", last.3).trim().to_string();
            }
            None => {
                let mut parts = line.split_whitespace();
                let (code, name) = (parts.next().unwrap().to_string(), parts.next().unwrap().to_string());
                rules.push((code, name, parts.collect::<Vec<_>>().join(" "), String::new()));
            }
        }
    }
    assert_eq!(rules.len(), Rule::ALL.len(), "{listing}");
    for (code, name, fix, summary) in &rules {
        let entry = format!("- **[{code} {name}](../transforms/{code}-{name}/README.md)**: {summary}");
        assert!(index.lines().any(|l| l == entry), "docs/rules.md is missing or out of date for {code}; expected:\n{entry}");
        let kinds = ["safe", "unsafe", "safe or unsafe", "safe, py311+", "safe or unsafe, py311+", "safe, unsafe < py311"];
        assert!(kinds.contains(&fix.as_str()), "{code}: fix column {fix:?}");
    }
    assert_eq!(rules.iter().find(|rule| rule.0 == "CS201").unwrap().2, "safe");
    assert!(listing.contains("\nfix: safe = --write applies it; unsafe = applied only with --unsafe-fixes"), "a legend: {listing}");
    // A rule's name works as well as its code, and a near miss is corrected.
    let by_name = run(cmd(&["--explain", "fire-and-forget-task"]), dir.path());
    assert!(text(&by_name.stdout).starts_with("# CS201 fire-and-forget-task"));
    let near_miss = run(cmd(&["--explain", "fire-and-forget"]), dir.path());
    assert_eq!(code(&near_miss), 2);
    assert!(text(&near_miss.stderr).starts_with("error: unknown rule `fire-and-forget`; did you mean `fire-and-forget-task`?"), "{}", text(&near_miss.stderr));
    assert_eq!(code(&run(cmd(&["--explain", "CS999"]), dir.path())), 2);
}

#[test]
fn no_progress_bar_without_a_terminal() {
    let files: Vec<(String, &[u8])> = (0..250).map(|i| (format!("pkg/m{i:03}.py"), CLEAN.as_bytes())).collect();
    let files: Vec<(&str, &[u8])> = files.iter().map(|(name, body)| (name.as_str(), *body)).collect();
    let dir = project(&files);
    let output = run(cmd(&["--check", "."]), dir.path());
    assert_eq!(code(&output), 0);
    assert_eq!(text(&output.stdout), "No cancellation leaks found in 250 files.\n");
    assert!(output.stderr.is_empty(), "stderr is not a terminal: no bar\n{}", text(&output.stderr));
}

#[test]
fn output_is_in_path_order() {
    let names = ["z.py", "a.py", "m/b.py", "m/a.py"];
    let files: Vec<(&str, &[u8])> = names.iter().map(|n| (*n, LEAKY.as_bytes())).collect();
    let dir = project(&files);
    let output = run(cmd(&["--check", "."]), dir.path());
    let order: Vec<String> = text(&output.stdout).lines().filter(|l| l.contains(": CS101")).map(|l| l.split(':').next().unwrap().to_string()).collect();
    assert_eq!(order, ["a.py", "m/a.py", "m/b.py", "z.py"]);
}

const DROPS_A_TASK: &str = "import asyncio\n\n\nasync def handle(job):\n    asyncio.create_task(job())\n";

#[test]
fn shared_helper_module_is_created_by_write_and_shown_by_diff() {
    let files: &[(&str, &[u8])] = &[("app/__init__.py", b""), ("app/svc.py", DROPS_A_TASK.as_bytes())];
    let via_patch = project(files);
    let via_write = project(files);
    let args = ["--helper-module", "app.tasks"];

    let diff = run(cmd(&[&["--diff", "app"][..], &args].concat()), via_patch.path());
    assert_eq!(code(&diff), 1);
    let patch = text(&diff.stdout);
    assert!(patch.contains("--- /dev/null\n+++ b/app/tasks.py\n"), "the new module is part of the diff:\n{patch}");
    std::fs::write(via_patch.path().join("fix.patch"), &diff.stdout).unwrap();
    let git = common::status(Command::new("git").args(["apply", "fix.patch"]).current_dir(via_patch.path()));
    assert!(git.success(), "git apply rejected:\n{patch}");

    let write = run(cmd(&[&["--write", "app"][..], &args].concat()), via_write.path());
    assert_eq!(code(&write), 0, "{}", text(&write.stdout));
    assert!(text(&write.stdout).contains("Created the shared helper module app/tasks.py"), "{}", text(&write.stdout));
    for name in ["app/svc.py", "app/tasks.py"] {
        assert_eq!(read(via_patch.path(), name), read(via_write.path(), name), "{name}");
    }
    assert!(read(via_write.path(), "app/svc.py").contains("from app.tasks import track_task\n"));

    // The fixed module imports and uses the created helper: the task is held until done.
    let script = "import asyncio, gc, app.svc, app.tasks\n\
        async def main():\n\
        \x20   done = asyncio.Event()\n\
        \x20   async def job():\n\
        \x20       await done.wait()\n\
        \x20   await app.svc.handle(job)\n\
        \x20   gc.collect()\n\
        \x20   assert len(app.tasks.background_tasks) == 1, app.tasks.background_tasks\n\
        \x20   await app.tasks.cancel_tracked_tasks()\n\
        \x20   assert not app.tasks.background_tasks\n\
        asyncio.run(main())\n";
    let python = common::output(Command::new("python3").args(["-B", "-c", script]).current_dir(via_write.path()));
    assert!(python.status.success(), "{}", text(&python.stderr));

    // A second run neither re-creates nor re-imports anything.
    let again = run(cmd(&[&["--write", "app"][..], &args].concat()), via_write.path());
    assert_eq!(code(&again), 0);
    assert!(!text(&again.stdout).contains("Created"), "{}", text(&again.stdout));
    assert_eq!(code(&run(cmd(&[&["--diff", "app"][..], &args].concat()), via_write.path())), 0);
}

#[test]
fn per_file_ignores_and_helper_module_come_from_pyproject() {
    let pyproject = "[tool.cancelsafe]\nper-file-ignores = { \"tests/**\" = [\"CS2\"] }\nhelper-module = \"app.tasks\"\n";
    let dir = project(&[("pyproject.toml", pyproject.as_bytes()), ("app/a.py", DROPS_A_TASK.as_bytes()), ("tests/test_a.py", DROPS_A_TASK.as_bytes())]);
    let output = run(common::configured(&["."]), dir.path());
    let stdout = text(&output.stdout);
    assert!(stdout.contains("app/a.py:5:5: CS201"), "{stdout}");
    assert!(!stdout.contains("tests/test_a.py:"), "tests/** ignores CS2 rules:\n{stdout}");
    assert!(stdout.contains("+from app.tasks import track_task"), "{stdout}");

    std::fs::write(dir.path().join("pyproject.toml"), "[tool.cancelsafe]\nper-file-ignores = { \"tests/**\" = [\"CS9\"] }\n").unwrap();
    let output = run(common::configured(&["."]), dir.path());
    assert_eq!(code(&output), 2);
    let stderr = text(&output.stderr);
    assert!(stderr.contains("pyproject.toml") && stderr.contains("per-file-ignores") && stderr.contains("CS9"), "{stderr}");
}

#[test]
fn cleanup_timeout_sets_the_bound_of_the_protected_cleanup() {
    let source = "import asyncio\n\n\nasync def run(conn):\n    try:\n        await conn.send()\n    finally:\n        await conn.close()\n";
    let dir = project(&[("a.py", source.as_bytes())]);
    let write = run(cmd(&["--write", "--cleanup-timeout", "0.25", "a.py"]), dir.path());
    assert_eq!(code(&write), 0, "CS301's fix is safe: --write applies it\n{}", text(&write.stdout));
    let fixed = read(dir.path(), "a.py");
    assert!(fixed.contains("with _ProtectedCleanup(0.25) as cleanup:\n            await cleanup(conn.close())"), "{fixed}");
    assert_eq!(code(&run(cmd(&["--cleanup-timeout", "0", "a.py"]), dir.path())), 2);
}

/// Runs the binary as `nobody` when the tests run as root (CI containers do), so that checks
/// about permissions see what a user sees; as the current user otherwise. `dir` must be one of
/// [`open_project`]'s.
fn as_a_user(args: &[&str], dir: &std::path::Path) -> std::process::Output {
    as_a_user_with_tmpdir(args, dir, None)
}

/// As [`as_a_user`], with `TMPDIR` set to `tmpdir` when given.
fn as_a_user_with_tmpdir(args: &[&str], dir: &std::path::Path, tmpdir: Option<&std::path::Path>) -> std::process::Output {
    let binary = std::path::PathBuf::from(env!("CARGO_BIN_EXE_cancelsafe"));
    if !is_root() {
        let mut command = Command::new(binary);
        command.arg("--no-config").args(args);
        if let Some(tmpdir) = tmpdir {
            command.env("TMPDIR", tmpdir);
        }
        return run(command, dir);
    }
    // A checkout in root's home is out of nobody's reach: then nobody runs a copy, in a folder
    // removed when the run is over.
    let copies = tempfile::tempdir().unwrap();
    let binary = if everyone_can_run(&binary) { binary } else { copy_for_everyone(&binary, copies.path()) };
    let mut command = Command::new("setpriv");
    command.args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"]).arg(binary).arg("--no-config").args(args);
    if let Some(tmpdir) = tmpdir {
        command.env("TMPDIR", tmpdir);
    }
    run(command, dir)
}

fn is_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    let probe = common::tempdir();
    std::fs::metadata(probe.path()).unwrap().uid() == 0
}

/// Whether any user may run `binary`: it and every folder above it are open to others.
fn everyone_can_run(binary: &std::path::Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    let open = |path: &std::path::Path, bits: u32| std::fs::metadata(path).is_ok_and(|m| m.permissions().mode() & bits == bits);
    open(binary, 0o005) && binary.ancestors().skip(1).filter(|p| !p.as_os_str().is_empty()).all(|folder| open(folder, 0o001))
}

/// `binary` linked (or copied) into `folder`, which everyone may enter.
fn copy_for_everyone(binary: &std::path::Path, folder: &std::path::Path) -> std::path::PathBuf {
    open_to_everyone(folder);
    let copy = folder.join("cancelsafe");
    if std::fs::hard_link(binary, &copy).is_err() {
        std::fs::copy(binary, &copy).unwrap();
    }
    copy
}

/// Lets `nobody` into a test folder.
fn open_to_everyone(dir: &std::path::Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o777)).unwrap();
}

/// A project that `nobody` can reach: in the system's temporary directory (the runs pass
/// `--no-config`, so no configuration above it is read), open to everyone.
fn open_project(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    open_to_everyone(dir.path());
    for (name, contents) in files {
        std::fs::write(dir.path().join(name), contents).unwrap();
    }
    dir
}

#[test]
fn write_goes_through_a_symlink_to_its_target() {
    let dir = project(&[("real/worker.py", LEAKY.as_bytes())]);
    std::os::unix::fs::symlink("real/worker.py", dir.path().join("link.py")).unwrap();
    let output = run(cmd(&["--write", "link.py"]), dir.path());
    assert_eq!(code(&output), 0, "{}{}", text(&output.stdout), text(&output.stderr));
    assert!(std::fs::symlink_metadata(dir.path().join("link.py")).unwrap().file_type().is_symlink(), "the link was replaced by a file");
    assert_eq!(std::fs::read_link(dir.path().join("link.py")).unwrap(), std::path::Path::new("real/worker.py"));
    assert!(read(dir.path(), "real/worker.py").contains("        raise\n"), "the target is fixed");
    let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(leftovers.len(), 2, "{leftovers:?}");
}

#[test]
fn write_keeps_hard_links_together() {
    use std::os::unix::fs::MetadataExt;
    let dir = project(&[("a.py", LEAKY.as_bytes())]);
    std::fs::hard_link(dir.path().join("a.py"), dir.path().join("b.py")).unwrap();
    let output = run(cmd(&["--write", "a.py"]), dir.path());
    assert_eq!(code(&output), 0, "{}{}", text(&output.stdout), text(&output.stderr));
    let (a, b) = (std::fs::metadata(dir.path().join("a.py")).unwrap(), std::fs::metadata(dir.path().join("b.py")).unwrap());
    assert_eq!(a.ino(), b.ino(), "the hard link was split");
    assert_eq!(a.nlink(), 2);
    assert!(read(dir.path(), "b.py").contains("        raise\n"), "the other name sees the fix");
}

#[test]
fn write_keeps_the_owner_and_group() {
    use std::os::unix::fs::MetadataExt;
    let dir = open_project(&[("a.py", LEAKY.as_bytes()), ("b.py", LEAKY.as_bytes())]);
    if !is_root() {
        // Only root can hand a file to someone else; a user's own files stay theirs.
        let before = std::fs::metadata(dir.path().join("a.py")).unwrap();
        assert_eq!(code(&run(cmd(&["--write", "a.py"]), dir.path())), 0);
        let after = std::fs::metadata(dir.path().join("a.py")).unwrap();
        assert_eq!((after.uid(), after.gid()), (before.uid(), before.gid()));
        return;
    }
    // Root rewrites nobody's file: it stays nobody's.
    std::os::unix::fs::chown(dir.path().join("a.py"), Some(65534), Some(65534)).unwrap();
    assert_eq!(code(&run(cmd(&["--write", "a.py"]), dir.path())), 0);
    let after = std::fs::metadata(dir.path().join("a.py")).unwrap();
    assert_eq!((after.uid(), after.gid()), (65534, 65534), "the owner changed");
    assert!(read(dir.path(), "a.py").contains("        raise\n"));
    // nobody rewrites root's file that everyone may write: it stays root's (written in place).
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir.path().join("b.py"), std::fs::Permissions::from_mode(0o666)).unwrap();
    let output = as_a_user(&["--write", "b.py"], dir.path());
    assert_eq!(code(&output), 0, "{}{}", text(&output.stdout), text(&output.stderr));
    let after = std::fs::metadata(dir.path().join("b.py")).unwrap();
    assert_eq!((after.uid(), after.gid()), (0, 0), "the owner changed");
    assert!(read(dir.path(), "b.py").contains("        raise\n"));
    let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(leftovers.len(), 2, "temporary files left behind: {leftovers:?}");
}

#[test]
fn write_refuses_a_read_only_file() {
    use std::os::unix::fs::PermissionsExt;
    let dir = open_project(&[("ro.py", LEAKY.as_bytes()), ("rw.py", LEAKY.as_bytes())]);
    std::fs::set_permissions(dir.path().join("ro.py"), std::fs::Permissions::from_mode(0o444)).unwrap();
    std::fs::set_permissions(dir.path().join("rw.py"), std::fs::Permissions::from_mode(0o666)).unwrap();
    let output = as_a_user(&["--write", "."], dir.path());
    assert_eq!(code(&output), 2, "{}{}", text(&output.stdout), text(&output.stderr));
    let stderr = text(&output.stderr);
    assert!(stderr.contains("ro.py: cannot write file: the file is read-only (mode 444)"), "{stderr}");
    assert!(stderr.contains("1 file could not be written"), "{stderr}");
    assert_eq!(read(dir.path(), "ro.py"), LEAKY, "the read-only file was rewritten");
    assert!(read(dir.path(), "rw.py").contains("        raise\n"), "the other file is still fixed");
    assert_eq!(std::fs::metadata(dir.path().join("ro.py")).unwrap().permissions().mode() & 0o777, 0o444);

    // The machine formats carry the failure too.
    let output = as_a_user(&["--write", "--format", "json", "ro.py"], dir.path());
    assert_eq!(code(&output), 2, "{}", text(&output.stderr));
    let entries: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&output.stdout)));
    let failure = entries.as_array().and_then(|all| all.iter().find(|entry| entry["error"] == "write")).unwrap_or_else(|| panic!("{entries:#}"));
    assert_eq!(failure["filename"], "ro.py");
    assert!(failure["code"].is_null());
    assert!(failure["message"].as_str().unwrap().contains("the file is read-only"), "{failure:#}");
    let output = as_a_user(&["--write", "--format", "github", "ro.py"], dir.path());
    assert!(text(&output.stdout).contains("::error file=ro.py,line=1,col=1,title=cancelsafe (write error)::ro.py:1:1: cannot write file: the file is read-only"), "{}", text(&output.stdout));
}

/// A file the user may write, in a folder they may not (no temporary file can go beside it), is
/// rewritten in place from a copy kept in the temporary folder; where no copy can be made
/// anywhere, it is left untouched and named in an error (exit 2).
#[test]
fn write_fixes_a_writable_file_in_a_read_only_folder() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let dir = open_project(&[]);
    let (locked, scratch, closed) = (dir.path().join("locked"), dir.path().join("scratch"), dir.path().join("closed"));
    for folder in [&locked, &scratch, &closed] {
        std::fs::create_dir(folder).unwrap();
    }
    std::fs::write(locked.join("a.py"), LEAKY).unwrap();
    std::fs::write(locked.join("b.py"), LEAKY).unwrap();
    for file in ["a.py", "b.py"] {
        std::fs::set_permissions(locked.join(file), std::fs::Permissions::from_mode(0o666)).unwrap();
    }
    let mode = |mode| std::fs::Permissions::from_mode(mode);
    std::fs::set_permissions(&locked, mode(0o555)).unwrap();
    std::fs::set_permissions(&scratch, mode(0o777)).unwrap();
    std::fs::set_permissions(&closed, mode(0o555)).unwrap();
    let inode = std::fs::metadata(locked.join("a.py")).unwrap().ino();

    let output = as_a_user_with_tmpdir(&["--write", "locked/a.py"], dir.path(), Some(&scratch));
    let report = format!("{}{}", text(&output.stdout), text(&output.stderr));
    assert_eq!(code(&output), 0, "{report}");
    assert_eq!(read(&locked, "a.py"), LEAKY.replace("        return\n", "        raise\n"), "{report}");
    assert_eq!(std::fs::metadata(locked.join("a.py")).unwrap().ino(), inode, "rewritten in place");
    let names = |folder: &std::path::Path| {
        let mut names: Vec<String> = std::fs::read_dir(folder).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        names.sort();
        names
    };
    assert_eq!(names(&locked), ["a.py", "b.py"]);
    assert!(names(&scratch).is_empty(), "the temporary copy was left behind: {:?}", names(&scratch));

    // No temporary folder takes a copy either: nothing is written, and the error says why.
    let output = as_a_user_with_tmpdir(&["--write", "locked/b.py"], dir.path(), Some(&closed));
    let stderr = text(&output.stderr);
    assert_eq!(code(&output), 2, "{}{stderr}", text(&output.stdout));
    assert!(stderr.contains("locked/b.py: cannot write file:") && stderr.contains("cannot hold a temporary file") && stderr.contains("the file was left untouched"), "{stderr}");
    assert!(stderr.contains("1 file could not be written"), "{stderr}");
    assert_eq!(text(&output.stdout), "No fixed file could be written.\n", "the file was checked: only its writing failed");
    assert_eq!(read(&locked, "b.py"), LEAKY, "half-written");
    std::fs::set_permissions(&locked, mode(0o755)).unwrap();
}

/// A module that imports trio (or anyio) and not asyncio is looked at by the rules that know
/// its cancellation (CS301 here, and CS401), not by those about asyncio's `run()` and tasks:
/// under trio a Ctrl-C does arrive as `KeyboardInterrupt` (CS105 would fire with asyncio).
#[test]
fn trio_modules_get_the_rules_that_know_trio() {
    let source = "import trio\n\n\nasync def items(channel, conn):\n    try:\n        with trio.move_on_after(5):\n            async for item in channel:\n                yield item\n    finally:\n        await conn.aclose()\n\n\nasync def main():\n    try:\n        await trio.sleep(1)\n    except KeyboardInterrupt:\n        print(\"bye\")\n";
    let dir = project(&[("t.py", source.as_bytes())]);
    let output = run(cmd(&["--check", "--format", "concise", "t.py"]), dir.path());
    let stdout = text(&output.stdout);
    assert_eq!(code(&output), 1, "{stdout}");
    let codes: Vec<&str> = stdout.lines().filter_map(|l| l.split_whitespace().nth(1)).filter(|c| c.starts_with("CS")).collect();
    assert_eq!(codes, ["CS401", "CS301"], "{stdout}");
}

#[test]
fn color_follows_the_flag_then_the_environment() {
    let dir = project(&[("a.py", LEAKY.as_bytes())]);
    let coloured = |args: &[&str], env: &[(&str, &str)]| {
        let mut command = cmd(args);
        for name in ["FORCE_COLOR", "CLICOLOR_FORCE", "NO_COLOR"] {
            command.env_remove(name);
        }
        command.envs(env.iter().copied());
        let output = run(command, dir.path());
        text(&output.stdout).contains("\u{1b}[")
    };
    let check = ["--check", "a.py"];
    assert!(!coloured(&check, &[]), "not a terminal: no colour");
    assert!(coloured(&["--check", "--color", "always", "a.py"], &[]));
    assert!(coloured(&check, &[("FORCE_COLOR", "1")]));
    assert!(coloured(&check, &[("CLICOLOR_FORCE", "1")]));
    assert!(!coloured(&check, &[("CLICOLOR_FORCE", "0")]));
    assert!(coloured(&check, &[("FORCE_COLOR", "1"), ("NO_COLOR", "1")]), "forcing wins, as in ruff");
    assert!(!coloured(&["--check", "--color", "never", "a.py"], &[("FORCE_COLOR", "1")]), "the flag wins over the environment");
    assert!(!coloured(&["--check", "--color", "always", "--format", "json", "a.py"], &[]), "JSON is never coloured");
    assert!(coloured(&["--diff", "--color", "always", "a.py"], &[]), "a diff asked to be coloured is");
    // Errors on standard error take the same choice.
    let mut command = cmd(&["--color", "always", "missing.py"]);
    command.env_remove("NO_COLOR");
    assert!(text(&run(command, dir.path()).stderr).starts_with("\u{1b}["));
    let mut command = cmd(&["--color", "never", "missing.py"]);
    command.env("FORCE_COLOR", "1");
    assert!(text(&run(command, dir.path()).stderr).starts_with("error: missing.py: no such file or directory"));
}

#[test]
fn default_mode_shows_unsafe_fixes_on_request_with_their_label() {
    let retry = "import asyncio\n\n\nasync def poll():\n    while True:\n        try:\n            await asyncio.sleep(1)\n        except asyncio.CancelledError:\n            continue\n";
    let dir = project(&[("a.py", retry.as_bytes())]);
    let output = run(cmd(&["a.py"]), dir.path());
    let stdout = text(&output.stdout);
    assert!(stdout.contains("a.py:8:9: CS101 swallowed-cancellation [unsafe fix] "), "{stdout}");
    assert!(!stdout.contains("@@"), "unsafe fixes are not shown unless asked for:\n{stdout}");
    assert!(stdout.contains("1 unsafe: `cancelsafe --unsafe-fixes PATH` shows their diffs without writing"), "{stdout}");

    let output = run(cmd(&["--unsafe-fixes", "a.py"]), dir.path());
    assert_eq!(code(&output), 1);
    let stdout = text(&output.stdout);
    assert!(stdout.contains("a.py:8:9: CS101 swallowed-cancellation [* unsafe fix] "), "the label stays:\n{stdout}");
    assert!(stdout.contains("(unsafe fix: `continue` keeps the loop going on cancel"), "and the reason:\n{stdout}");
    assert!(stdout.contains("-            continue\n+            raise\n"), "the diff is shown:\n{stdout}");
    assert!(stdout.contains("1 fixable with --write --unsafe-fixes, 1 of them unsafe"), "{stdout}");
    assert_eq!(read(dir.path(), "a.py"), retry, "nothing is written");
}

#[test]
fn cs201_says_to_call_the_shutdown_helper_and_suggests_a_shared_module() {
    let dir = project(&[("app/a.py", DROPS_A_TASK.as_bytes()), ("app/b.py", DROPS_A_TASK.as_bytes())]);
    let preview = text(&run(cmd(&["app"]), dir.path()).stdout);
    assert!(
        preview.contains("CS201: would add a copy of the task-tracking helper to each of 2 modules (app/a.py, app/b.py): call `await _cancel_tracked_tasks()` from each one's shutdown path"),
        "{preview}"
    );
    assert!(preview.contains("set `helper-module = \"yourpackage.tasks\"` in [tool.cancelsafe]"), "two copies: a shared module is suggested\n{preview}");
    let write = text(&run(cmd(&["--write", "app/a.py"]), dir.path()).stdout);
    assert!(write.contains("CS201: added `_cancel_tracked_tasks()` to app/a.py: call `await _cancel_tracked_tasks()` from its shutdown path"), "{write}");
    assert!(!write.contains("helper-module"), "one copy: no suggestion\n{write}");
    assert!(read(dir.path(), "app/a.py").contains("async def _cancel_tracked_tasks():"));
    // A second run adds nothing, and says nothing.
    assert!(!text(&run(cmd(&["--write", "app/a.py"]), dir.path()).stdout).contains("CS201:"));
    // A shared module: its function is named when it is created.
    let write = text(&run(cmd(&["--write", "--helper-module", "app.tasks", "app/b.py"]), dir.path()).stdout);
    assert!(write.contains("Created the shared helper module app/tasks.py (CS201 fixes import from it): call `await app.tasks.cancel_tracked_tasks()` from your shutdown path."), "{write}");
    // The rule's page says it too.
    let page = text(&run(cmd(&["--explain", "CS201"]), dir.path()).stdout);
    assert!(page.contains("**Then call `await _cancel_tracked_tasks()` on shutdown**") && page.contains("set `helper-module`"), "{page}");
}

#[test]
fn an_unsafe_fix_says_so_under_unsafe_fixes() {
    let dir = project(&[("a.py", LEAKY.replace("        return\n", "        return False\n").as_bytes())]);
    let stdout = text(&run(cmd(&["--check", "--unsafe-fixes", "."]), dir.path()).stdout);
    assert!(stdout.contains("a.py:7:5: CS101 swallowed-cancellation [* unsafe fix] "), "{stdout}");
    assert!(stdout.contains("(unsafe fix: `return False` on the cancel path may be a result someone uses"), "{stdout}");
}

/// Test code is found by its path, by the same `Settings::for_file` every front end uses:
/// `tests/` folders, `test_*.py`, `*_test.py`, `conftest.py`. No fix there is safe.
#[test]
fn test_code_by_path_gets_no_safe_fix() {
    let files: Vec<(&str, &[u8])> = ["tests/helpers.py", "pkg/test_worker.py", "pkg/worker_test.py", "conftest.py", "pkg/worker.py"]
        .iter()
        .map(|path| (*path, LEAKY.as_bytes()))
        .collect();
    let dir = project(&files);
    let output = run(cmd(&["--write", "."]), dir.path());
    let stdout = text(&output.stdout);
    for test_file in ["tests/helpers.py", "pkg/test_worker.py", "pkg/worker_test.py", "conftest.py"] {
        assert_eq!(read(dir.path(), test_file), LEAKY, "{test_file} was rewritten:\n{stdout}");
        assert!(stdout.contains(&format!("{test_file}:7:5: CS101 swallowed-cancellation [unsafe fix] ")), "{stdout}");
        assert!(stdout.contains("this file is test code (by its path)"), "{stdout}");
    }
    assert!(read(dir.path(), "pkg/worker.py").contains("        raise\n"), "the library file was not fixed:\n{stdout}");
    assert_eq!(code(&output), 1, "test files keep their findings:\n{stdout}");
}

#[test]
fn a_folder_without_python_files_a_symlink_loop_and_an_unread_requires_python_are_said() {
    let dir = project(&[("src/app.py", LEAKY.as_bytes()), ("docs/index.md", b"# docs\n")]);
    // A CI path that holds no Python file (a typo, a moved folder) does not pass silently.
    let output = run(cmd(&["--check", "src", "docs"]), dir.path());
    assert_eq!(code(&output), 1, "src still has its leak");
    let stderr = text(&output.stderr);
    assert!(stderr.contains("warning: docs: no Python files found here (is the path right?)"), "{stderr}");
    assert!(!stderr.contains("warning: src"), "{stderr}");
    let quiet = run(cmd(&["--check", "--quiet", "docs"]), dir.path());
    assert_eq!(code(&quiet), 0);
    assert!(!text(&quiet.stderr).contains("warning"), "--quiet silences it");

    // A link to itself is named as a loop, not as a missing file.
    std::os::unix::fs::symlink("loop.py", dir.path().join("loop.py")).unwrap();
    let output = run(cmd(&["--check", "loop.py"]), dir.path());
    assert_eq!(code(&output), 2);
    assert!(text(&output.stderr).contains("loop.py: a symlink loop"), "{}", text(&output.stderr));

    // A requires-python with no lowest version: py311 is assumed, and said.
    let project_dir = project(&[("pyproject.toml", b"[project]\nname = \"x\"\nrequires-python = \"<4\"\n"), ("a.py", LEAKY.as_bytes())]);
    let output = run(common::configured(&["--check", "a.py"]), project_dir.path());
    assert_eq!(code(&output), 1);
    let stderr = text(&output.stderr);
    assert!(stderr.contains("requires-python `<4` gives no lowest Python 3 version; assuming py311"), "{stderr}");
    let readable = project(&[("pyproject.toml", b"[project]\nname = \"x\"\nrequires-python = \">=3.9\"\n"), ("a.py", LEAKY.as_bytes())]);
    assert!(!text(&run(common::configured(&["--check", "a.py"]), readable.path()).stderr).contains("requires-python"));
}
