//! Configuration as users meet it: `[tool.cancelsafe]` in the nearest pyproject.toml above each
//! file, flags over it, exclusions, and an error naming the file and the key for every bad value.

mod common;

use common::{code, configured, project, read, run, text};

/// A CS101 leak (safe fix) on line 7.
const SWALLOWS: &str = "import asyncio\n\n\nasync def worker(log):\n    try:\n        await asyncio.sleep(10)\n    except asyncio.CancelledError:\n        log.append('stopped')\n        return\n";
/// A CS201 leak on line 5.
const DROPS_A_TASK: &str = "import asyncio\n\n\ndef start(job):\n    asyncio.create_task(job())\n";
/// A CS103 leak: its fix needs py311 (`Task.cancelling()`), so below that it is report-only.
const FOREIGN_CANCEL: &str = "import asyncio\n\n\nasync def stop(task):\n    task.cancel()\n    try:\n        await task\n    except asyncio.CancelledError:\n        pass\n";

fn codes_reported(stdout: &str) -> Vec<String> {
    stdout.lines().filter_map(|line| line.split(": ").nth(1)).filter_map(|rest| rest.split(' ').next()).map(str::to_string).collect()
}

#[test]
fn each_file_takes_the_nearest_pyproject_with_a_cancelsafe_section() {
    let dir = project(&[
        ("pyproject.toml", b"[tool.cancelsafe]\nselect = [\"CS1\"]\n"),
        ("app/main.py", [SWALLOWS, "\n\ndef start(job):\n    asyncio.create_task(job())\n"].concat().as_bytes()),
        // A sub-project with its own settings.
        ("plugins/pyproject.toml", b"[tool.cancelsafe]\nselect = [\"CS2\"]\n"),
        ("plugins/pkg/plugin.py", [SWALLOWS, "\n\ndef start(job):\n    asyncio.create_task(job())\n"].concat().as_bytes()),
        // A pyproject without the section does not cut the search short.
        ("libs/pyproject.toml", b"[project]\nname = \"lib\"\n"),
        ("libs/lib.py", DROPS_A_TASK.as_bytes()),
    ]);
    let output = run(configured(&["--check", "--format", "concise", "."]), dir.path());
    let stdout = text(&output.stdout);
    assert!(stdout.contains("app/main.py:7:5: CS101"), "{stdout}");
    assert!(!stdout.contains("app/main.py:13"), "the root config selects CS1 only:\n{stdout}");
    assert!(stdout.contains("plugins/pkg/plugin.py:13:5: CS201"), "{stdout}");
    assert!(!stdout.contains("plugins/pkg/plugin.py:7"), "the nested config selects CS2 only:\n{stdout}");
    assert!(!stdout.contains("libs/lib.py"), "libs/ falls back to the root config (CS1):\n{stdout}");

    // From inside the sub-project, a file above it still gets the root's settings.
    let output = run(configured(&["--check", "--format", "concise", "../app/main.py", "pkg"]), &dir.path().join("plugins"));
    assert_eq!(codes_reported(&text(&output.stdout)), ["CS101", "CS201"], "{}", text(&output.stdout));

    // Flags override every file's configuration.
    let output = run(configured(&["--check", "--format", "concise", "--select", "CS201", "."]), dir.path());
    assert_eq!(codes_reported(&text(&output.stdout)), ["CS201", "CS201", "CS201"], "{}", text(&output.stdout));
    let output = run(configured(&["--check", "--format", "concise", "--config", "plugins/pyproject.toml", "."]), dir.path());
    assert_eq!(codes_reported(&text(&output.stdout)), ["CS201", "CS201", "CS201"], "--config applies to every path:\n{}", text(&output.stdout));
}

#[test]
fn target_version_is_inferred_from_the_nearest_requires_python() {
    let dir = project(&[
        ("pyproject.toml", b"[project]\nrequires-python = \">=3.11\"\n\n[tool.cancelsafe]\n"),
        ("new/stop.py", FOREIGN_CANCEL.as_bytes()),
        ("legacy/pyproject.toml", b"[project]\nrequires-python = \">=3.8\"\n"),
        ("legacy/stop.py", FOREIGN_CANCEL.as_bytes()),
    ]);
    let output = run(configured(&["--check", "--format", "concise", "."]), dir.path());
    let stdout = text(&output.stdout);
    let line = |path: &str| stdout.lines().find(|line| line.starts_with(path)).unwrap_or_default().to_string();
    assert!(line("legacy/stop.py").contains("CS103 foreign-cancel-swallows-own-cancel handler") && line("legacy/stop.py").contains("needs --target-version py311"), "{stdout}");
    assert!(line("new/stop.py").contains("CS103 foreign-cancel-swallows-own-cancel [*]"), "{stdout}");
    let output = run(configured(&["--check", "--format", "concise", "--target-version", "py312", "legacy"]), dir.path());
    assert!(text(&output.stdout).contains("CS103 foreign-cancel-swallows-own-cancel [*]"), "the flag wins:\n{}", text(&output.stdout));
}

#[test]
fn exclusions_skip_what_discovery_finds_but_not_named_files_unless_forced() {
    let dir = project(&[
        ("pyproject.toml", b"[tool.cancelsafe]\nextend-exclude = [\"generated\", \"scripts/*.py\"]\n"),
        ("app.py", SWALLOWS.as_bytes()),
        ("generated/api.py", SWALLOWS.as_bytes()),
        ("scripts/tool.py", SWALLOWS.as_bytes()),
        ("build/lib/copy.py", SWALLOWS.as_bytes()),
        ("sub/pyproject.toml", b"[tool.cancelsafe]\nexclude = []\n"),
        ("sub/build/kept.py", SWALLOWS.as_bytes()),
    ]);
    let listed = |args: &[&str]| -> Vec<String> {
        let output = run(configured(&[&["--check", "--format", "concise"][..], args].concat()), dir.path());
        let mut files: Vec<String> = text(&output.stdout).lines().filter(|line| line.contains(": CS")).filter_map(|line| line.split(':').next()).map(str::to_string).collect();
        files.dedup();
        files
    };
    assert_eq!(listed(&["."]), ["app.py", "sub/build/kept.py"], "extend-exclude and the default `build`; `exclude = []` drops the defaults");
    assert_eq!(listed(&["generated/api.py"]), ["generated/api.py"], "a file named on the command line is checked");
    assert!(listed(&["--force-exclude", "generated/api.py", "scripts/tool.py"]).is_empty());
    assert_eq!(listed(&["--extend-exclude", "app.py", "."]), ["sub/build/kept.py"]);
    assert_eq!(listed(&["--exclude", "generated", "."]), ["app.py", "build/lib/copy.py", "sub/build/kept.py"], "--exclude replaces `exclude`; `extend-exclude` still applies");
}

#[test]
fn every_bad_setting_names_the_file_the_key_and_what_is_allowed() {
    let cases: &[(&str, &[&str])] = &[
        ("colour = true", &["unknown field `colour`", "expected one of `select`, `ignore`, `per-file-ignores`, `exclude`, `extend-exclude`"]),
        ("select = [\"CS9\"]", &["[tool.cancelsafe] select", "CS9", "known rules: CS101"]),
        ("ignore = [\"XYZ\"]", &["[tool.cancelsafe] ignore", "XYZ"]),
        ("select = \"CS101\"", &["select", "invalid type", "sequence"]),
        ("target-version = \"py27\"", &["[tool.cancelsafe] target-version", "py38, py39"]),
        ("cleanup-timeout = -1", &["[tool.cancelsafe] cleanup-timeout", "positive number of seconds"]),
        ("cleanup-timeout = \"soon\"", &["cleanup-timeout", "invalid type"]),
        ("shutdown-timeout = 0", &["[tool.cancelsafe] shutdown-timeout", "positive number of seconds"]),
        ("cleanup-timeouts = { \"runner.cleanup()\" = 30 }", &["[tool.cancelsafe] cleanup-timeouts.\"runner.cleanup()\"", "call pattern"]),
        ("cleanup-timeouts = { \"flush\" = -2 }", &["[tool.cancelsafe] cleanup-timeouts.\"flush\"", "positive number of seconds"]),
        ("helper-module = \"my-app.tasks\"", &["[tool.cancelsafe] helper-module", "dotted Python module name"]),
        ("unsafe-fixes = \"yes\"", &["unsafe-fixes", "invalid type", "boolean"]),
        ("per-file-ignores = { \"tests/[\" = [\"CS1\"] }", &["[tool.cancelsafe] per-file-ignores", "invalid glob"]),
        ("per-file-ignores = { \"tests/**\" = [\"CS7\"] }", &["[tool.cancelsafe] per-file-ignores", "CS7"]),
        ("exclude = [\"a[\"]", &["[tool.cancelsafe] exclude", "invalid glob"]),
        ("extend-exclude = [\"b[\"]", &["[tool.cancelsafe] extend-exclude", "invalid glob"]),
        ("select = [", &["pyproject.toml is not valid TOML"]),
        // A misspelt key is named with the one that was meant.
        ("cleanup_timeout = 3", &["unknown field `cleanup_timeout`", "did you mean `cleanup-timeout`?"]),
        ("per-file-ignore = {}", &["unknown field `per-file-ignore`", "did you mean `per-file-ignores`?"]),
        ("selct = [\"CS1\"]", &["did you mean `select`?"]),
        ("select = [\"swallowed-cancelation\"]", &["[tool.cancelsafe] select", "did you mean `swallowed-cancellation`?"]),
        ("target-version = \"3.7\"", &["[tool.cancelsafe] target-version", "py38, py39", "3.8"]),
    ];
    for (setting, expected) in cases {
        let dir = project(&[("pkg/pyproject.toml", format!("[tool.cancelsafe]\n{setting}\n").as_bytes()), ("pkg/a.py", SWALLOWS.as_bytes()), ("b.py", SWALLOWS.as_bytes())]);
        let output = run(configured(&["--write", "."]), dir.path());
        let stderr = text(&output.stderr);
        assert_eq!(code(&output), 2, "`{setting}`: {stderr}");
        assert!(stderr.contains("pkg/pyproject.toml"), "`{setting}` names the file: {stderr}");
        for part in *expected {
            assert!(stderr.contains(part), "`{setting}`: expected `{part}` in: {stderr}");
        }
        assert_eq!(read(dir.path(), "b.py"), SWALLOWS, "`{setting}`: nothing is written when a configuration is bad");
    }
    let dir = project(&[("a.py", SWALLOWS.as_bytes())]);
    let output = run(configured(&["--check", "--target-version", "py27", "."]), dir.path());
    assert!(text(&output.stderr).contains("--target-version: invalid target version `py27`"), "{}", text(&output.stderr));
    let output = run(configured(&["--check", "--config", "missing.toml", "."]), dir.path());
    assert_eq!(code(&output), 2);
    assert!(text(&output.stderr).contains("cannot read config file missing.toml"), "{}", text(&output.stderr));
}

/// CS301's bounds: `cleanup-timeout`, `shutdown-timeout` for whole-service shutdowns, and a
/// `cleanup-timeouts` pattern, each in the unit the fix writes; a nested project sets its own.
#[test]
fn cleanup_bounds_come_from_the_configuration() {
    const CLEANUPS: &str = "import asyncio\n\n\nasync def serve(runner, writer):\n    try:\n        await writer.write()\n    finally:\n        await writer.close()\n\n\nasync def stop(runner, app):\n    try:\n        await app.run()\n    finally:\n        await runner.cleanup()\n\n\nasync def flush(self):\n    try:\n        await self.run()\n    finally:\n        await self._buffer.flush()\n";
    let dir = project(&[
        ("pyproject.toml", b"[tool.cancelsafe]\ncleanup-timeout = 2\nshutdown-timeout = 90\ncleanup-timeouts = { \"buffer.flush\" = 12.5 }\n"),
        ("app.py", CLEANUPS.as_bytes()),
        ("legacy/pyproject.toml", b"[tool.cancelsafe]\ncleanup-timeouts = { \"runner.cleanup\" = 300 }\n"),
        ("legacy/app.py", CLEANUPS.as_bytes()),
    ]);
    let output = run(configured(&["--diff", "."]), dir.path());
    let diff = text(&output.stdout);
    let units = |file: &str| -> Vec<String> {
        let part = diff.split("--- a/").find(|part| part.starts_with(file)).unwrap_or_default();
        let headers = part.lines().filter_map(|line| line.strip_prefix('+')?.trim_start().strip_prefix("with _ProtectedCleanup("));
        headers.map(|rest| rest.split(')').next().unwrap().to_string()).collect()
    };
    assert_eq!(units("app.py"), ["2", "90", "12.5"], "{diff}");
    assert_eq!(units("legacy/app.py"), ["5", "300", "5"], "the nested project's own settings:\n{diff}");
}

#[test]
fn errors_share_one_prefix_and_far_misses_get_no_suggestion() {
    let dir = project(&[("pyproject.toml", b"[tool.cancelsafe]\ncolour = true\n"), ("a.py", SWALLOWS.as_bytes())]);
    let output = run(configured(&["--check", "."]), dir.path());
    let stderr = text(&output.stderr);
    assert!(stderr.starts_with("error: pyproject.toml: [tool.cancelsafe] colour: unknown field `colour`"), "{stderr}");
    assert!(!stderr.contains("did you mean"), "nothing is close to `colour`: {stderr}");
    // clap's own errors start the same way.
    let output = run(configured(&["--check", "--no-such-flag"]), dir.path());
    assert!(text(&output.stderr).starts_with("error: unexpected argument '--no-such-flag'"), "{}", text(&output.stderr));
    // A negative number is read as the value it is, not as a flag with a tip to write `-- -1`.
    let output = run(configured(&["--no-config", "--check", "--cleanup-timeout", "-1", "a.py"]), dir.path());
    assert_eq!(code(&output), 2);
    assert_eq!(text(&output.stderr), "error: --cleanup-timeout: must be a positive number of seconds, not -1\n");
}

#[test]
fn a_table_that_looks_meant_for_cancelsafe_is_pointed_out() {
    let dir = project(&[("pyproject.toml", b"[tool.cancel-safe]\nselect = [\"CS2\"]\n\n[tool.ruff]\nline-length = 100\n"), ("a.py", SWALLOWS.as_bytes())]);
    let output = run(configured(&["--check", "."]), dir.path());
    let stderr = text(&output.stderr);
    assert_eq!(stderr, "warning: pyproject.toml: [tool.cancel-safe] is not read by cancelsafe; did you mean [tool.cancelsafe]?\n");
    assert!(text(&output.stdout).contains("CS101"), "the defaults apply: {}", text(&output.stdout));
}

#[test]
fn target_version_takes_the_dotted_form_too() {
    let dir = project(&[("pyproject.toml", b"[tool.cancelsafe]\ntarget-version = \"3.8\"\n"), ("stop.py", FOREIGN_CANCEL.as_bytes())]);
    let output = run(configured(&["--check", "--format", "concise", "."]), dir.path());
    assert!(text(&output.stdout).contains("needs --target-version py311"), "3.8 is py38: {}", text(&output.stdout));
    let output = run(configured(&["--check", "--format", "concise", "--target-version", "3.11", "."]), dir.path());
    assert!(text(&output.stdout).contains("CS103 foreign-cancel-swallows-own-cancel [*]"), "{}", text(&output.stdout));
}

#[test]
fn rule_names_work_wherever_codes_do() {
    let tests_ignore = "[tool.cancelsafe]\nselect = [\"swallowed-cancellation\", \"fire-and-forget-task\"]\nper-file-ignores = { \"tests/**\" = [\"fire-and-forget-task\"] }\n";
    let named_noqa = SWALLOWS.replace("except asyncio.CancelledError:", "except asyncio.CancelledError:  # noqa: swallowed-cancellation");
    let dir = project(&[
        ("pyproject.toml", tests_ignore.as_bytes()),
        ("app.py", SWALLOWS.as_bytes()),
        ("jobs.py", DROPS_A_TASK.as_bytes()),
        ("tests/test_jobs.py", DROPS_A_TASK.as_bytes()),
        ("quiet.py", named_noqa.as_bytes()),
        ("whole.py", format!("# cancelsafe: noqa: fire-and-forget-task\n{DROPS_A_TASK}").as_bytes()),
    ]);
    let findings = |args: &[&str]| {
        let output = run(configured(&[&["--check", "--format", "concise"][..], args, &["."]].concat()), dir.path());
        let mut found: Vec<String> = text(&output.stdout).lines().filter(|l| l.contains(": CS")).map(|l| l.split(' ').take(2).collect::<Vec<_>>().join(" ")).collect();
        found.sort();
        found
    };
    assert_eq!(findings(&[]), ["app.py:7:5: CS101", "jobs.py:5:5: CS201"]);
    assert_eq!(findings(&["--ignore", "swallowed-cancellation"]), ["jobs.py:5:5: CS201"]);
    assert_eq!(findings(&["--select", "FIRE-AND-FORGET-TASK"]), ["jobs.py:5:5: CS201"], "names are not case-sensitive");
    assert_eq!(findings(&["--select", "CS1"]), ["app.py:7:5: CS101"], "prefixes still work");
}

#[test]
fn noqa_comments_suppress_findings_and_their_fixes() {
    let suppressed_line = SWALLOWS.replace("except asyncio.CancelledError:", "except asyncio.CancelledError:  # noqa: CS101");
    let file_level = format!("# cancelsafe: noqa\n{SWALLOWS}{}", &DROPS_A_TASK["import asyncio\n".len()..]);
    let other_code = SWALLOWS.replace("except asyncio.CancelledError:", "except asyncio.CancelledError:  # noqa: CS201");
    let dir = project(&[("line.py", suppressed_line.as_bytes()), ("file.py", file_level.as_bytes()), ("other.py", other_code.as_bytes())]);
    let output = run(configured(&["--write", "."]), dir.path());
    assert_eq!(code(&output), 0, "{}", text(&output.stdout));
    assert_eq!(read(dir.path(), "line.py"), suppressed_line, "a suppressed finding is not fixed");
    assert_eq!(read(dir.path(), "file.py"), file_level);
    assert_eq!(read(dir.path(), "other.py"), other_code.replace("        return\n", "        raise\n"), "a noqa for another rule suppresses nothing");
}
