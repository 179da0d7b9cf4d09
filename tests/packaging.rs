//! Shipping as Python developers install tools: `pip install .` (maturin, `bindings = "bin"`)
//! puts the binary on PATH, and the pre-commit hooks of `.pre-commit-hooks.yaml` run it.
//! Both build the release binary through pip; cargo's output is kept in target/packaging so
//! later runs only rebuild this crate.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::{code, project, read, repo_path, test_python, text};

const SWALLOWS: &str = "import asyncio\n\n\nasync def worker(log):\n    try:\n        await asyncio.sleep(10)\n    except asyncio.CancelledError:\n        log.append('stopped')\n        return\n";

/// The two builds share an output folder, and maturin copies the binary to a fixed place in
/// it: they must not run at the same time.
static ONE_BUILD_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Shares one cargo output folder between builds, and skips link-time optimisation (minutes
/// on two cores) that the published wheels have but these checks do not need.
fn with_build_cache(command: &mut Command) -> &mut Command {
    command
        .env("CARGO_TARGET_DIR", repo_path("target/packaging"))
        .env("CARGO_PROFILE_RELEASE_LTO", "false")
        .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16")
}

/// A release build from scratch on two loaded cores can take many minutes.
const BUILD: std::time::Duration = std::time::Duration::from_secs(40 * 60);

fn output(command: &mut Command, dir: &Path) -> Output {
    common::output_within(command.current_dir(dir), None, BUILD)
}

#[test]
fn pip_install_puts_cancelsafe_on_path() {
    let _build = ONE_BUILD_AT_A_TIME.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let venv = common::tempdir();
    let status = common::status(Command::new("python3").args(["-m", "venv"]).arg(venv.path()));
    assert!(status.success());
    let install = output(with_build_cache(Command::new(venv.path().join("bin/pip")).args(["install", "--quiet"]).arg(repo_path(""))), venv.path());
    assert!(install.status.success(), "pip install . failed:\n{}\n{}", text(&install.stdout), text(&install.stderr));

    let installed = venv.path().join("bin/cancelsafe");
    assert!(installed.is_file(), "pip put no cancelsafe in the venv's bin/");
    let version = output(&mut Command::new(&installed).arg("--version"), venv.path());
    assert_eq!(text(&version.stdout).trim(), format!("cancelsafe {}", env!("CARGO_PKG_VERSION")));

    let sample = project(&[("app/worker.py", SWALLOWS.as_bytes())]);
    let check = output(Command::new(&installed).args(["--check", "."]), sample.path());
    assert_eq!(code(&check), 1);
    assert!(text(&check.stdout).contains("app/worker.py:7:5: CS101"), "{}", text(&check.stdout));
    let write = output(Command::new(&installed).args(["--write", "."]), sample.path());
    assert_eq!(code(&write), 0, "{}", text(&write.stdout));
    assert_eq!(read(sample.path(), "app/worker.py"), SWALLOWS.replace("        return\n", "        raise\n"));
}

#[test]
fn pre_commit_try_repo_runs_the_check_and_fix_hooks() {
    let _build = ONE_BUILD_AT_A_TIME.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let sample = project(&[("app/worker.py", SWALLOWS.as_bytes()), ("build/generated.py", SWALLOWS.as_bytes())]);
    let git = |args: &[&str]| {
        let out = output(Command::new("git").args(args), sample.path());
        assert!(out.status.success(), "git {args:?}: {}", text(&out.stderr));
    };
    git(&["init", "-q"]);
    git(&["add", "."]);
    git(&["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "sample"]);
    let pre_commit_home = common::tempdir();
    let try_repo = |hook: &str| {
        let mut command = Command::new(test_python());
        command.args(["-m", "pre_commit", "try-repo"]).arg(repo_path("")).args([hook, "--all-files", "--color", "never"]);
        command.env("PRE_COMMIT_HOME", pre_commit_home.path());
        output(with_build_cache(&mut command), sample.path())
    };

    let check = try_repo("cancelsafe");
    let stdout = text(&check.stdout);
    assert_eq!(code(&check), 1, "the check hook fails on a leak:\n{stdout}\n{}", text(&check.stderr));
    assert!(stdout.contains("app/worker.py:7:5: CS101"), "{stdout}");
    assert!(!stdout.contains("build/generated.py"), "--force-exclude keeps the default exclusions for files pre-commit names:\n{stdout}");
    assert_eq!(read(sample.path(), "app/worker.py"), SWALLOWS, "the check hook writes nothing");

    let fix = try_repo("cancelsafe-fix");
    assert_eq!(code(&fix), 1, "the fix hook fails when it changed a file:\n{}", text(&fix.stdout));
    assert_eq!(read(sample.path(), "app/worker.py"), SWALLOWS.replace("        return\n", "        raise\n"));
    git(&["add", "."]);
    let again = try_repo("cancelsafe");
    assert_eq!(code(&again), 0, "clean after the fix:\n{}", text(&again.stdout));
}
