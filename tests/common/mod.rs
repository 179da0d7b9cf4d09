//! Shared by the integration tests: run the real `cancelsafe` binary and real `python3`.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub fn cancelsafe() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_cancelsafe"));
    command.arg("--no-config");
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
