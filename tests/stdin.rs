//! Standard input for editor plugins: `--stdin-filename` decides the configuration and the name
//! in outputs, findings go to stdout at the input's positions, and stdout is never a blanked
//! buffer, whatever the input.

mod common;

use std::io::Write;
use std::path::Path;
use std::process::{Output, Stdio};

use common::*;
use serde_json::Value;

const LEAKY: &str = "\
import asyncio


async def main():
    asyncio.create_task(main())
    try:
        await asyncio.sleep(1)
    except asyncio.CancelledError:
        pass
";

/// The binary (finding its configuration as users' runs do) with `input` on stdin.
fn piped(dir: &Path, args: &[&str], input: &[u8]) -> Output {
    let mut child = configured(args).current_dir(dir).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
}

fn project_with_ignores() -> tempfile::TempDir {
    let pyproject = "[tool.cancelsafe]\nper-file-ignores = { \"scripts/*\" = [\"CS201\"] }\n";
    project(&[("pyproject.toml", pyproject.as_bytes())])
}

#[test]
fn json_on_stdout_at_the_inputs_positions_with_the_named_files_configuration() {
    let dir = project_with_ignores();
    let output = piped(dir.path(), &["--format", "json", "--stdin-filename", "src/app.py", "-"], LEAKY.as_bytes());
    assert_eq!(code(&output), 1, "{}", text(&output.stderr));
    let findings: Vec<Value> = serde_json::from_slice(&output.stdout).expect("stdout is the JSON document alone");
    let rows: Vec<(&str, u64, &str)> =
        findings.iter().map(|f| (f["code"].as_str().unwrap(), f["location"]["row"].as_u64().unwrap(), f["filename"].as_str().unwrap())).collect();
    // Rows of the input: the CS201 helper the fix adds would move the handler down.
    assert_eq!(rows, [("CS201", 5, "src/app.py"), ("CS101", 8, "src/app.py")]);
    assert!(!text(&output.stderr).contains('['), "{}", text(&output.stderr));

    // The same text under scripts/: per-file-ignores drop CS201.
    let output = piped(dir.path(), &["--format", "json", "--stdin-filename", "scripts/tool.py", "-"], LEAKY.as_bytes());
    let findings: Vec<Value> = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(findings.iter().map(|f| f["code"].as_str().unwrap()).collect::<Vec<_>>(), ["CS101"]);

    let output = piped(dir.path(), &["--format", "github", "--stdin-filename", "src/app.py", "-"], LEAKY.as_bytes());
    let stdout = text(&output.stdout);
    assert!(stdout.starts_with("::error file=src/app.py,line=5,col=5,"), "{stdout}");
}

#[test]
fn the_fixed_source_on_stdout_and_findings_on_stderr() {
    let dir = project_with_ignores();
    let output = piped(dir.path(), &["--stdin-filename", "scripts/tool.py", "-"], LEAKY.as_bytes());
    assert_eq!(code(&output), 0, "{}", text(&output.stderr));
    assert_eq!(text(&output.stdout), LEAKY.replace("        pass\n", "        raise\n"));
    assert!(text(&output.stderr).contains("scripts/tool.py:8:5: CS101"), "{}", text(&output.stderr));
}

#[test]
fn stdout_is_never_a_blanked_buffer() {
    let dir = project_with_ignores();
    let broken = "import asyncio\n\nasync def main(:\n    asyncio.create_task(main())\n";
    for args in [&["--stdin-filename", "src/app.py", "-"][..], &["--write", "--stdin-filename", "src/app.py", "-"][..]] {
        let output = piped(dir.path(), args, broken.as_bytes());
        assert_eq!(code(&output), 2, "{args:?}");
        assert_eq!(text(&output.stdout), broken, "{args:?}: the input, unchanged");
        assert!(text(&output.stderr).contains("src/app.py:3:16: syntax error"), "{}", text(&output.stderr));
    }
    let latin1 = b"import asyncio\nx = '\xe9'\n";
    let output = piped(dir.path(), &["-"], latin1);
    assert_eq!((code(&output), output.stdout.as_slice()), (2, &latin1[..]));
    // Findings modes print nothing rather than half a document; the exit code says why.
    for format in ["json", "github", "sarif", "concise"] {
        let output = piped(dir.path(), &["--format", format, "-"], broken.as_bytes());
        assert_eq!(code(&output), 2, "{format}");
        assert!(output.stdout.is_empty(), "{format}: {}", text(&output.stdout));
    }
}

#[test]
fn an_excluded_name_passes_the_input_through_with_force_exclude() {
    let dir = project_with_ignores();
    let output = piped(dir.path(), &["--force-exclude", "--stdin-filename", "build/gen.py", "-"], LEAKY.as_bytes());
    assert_eq!(code(&output), 0);
    assert_eq!(text(&output.stdout), LEAKY);
    let output = piped(dir.path(), &["--stdin-filename", "build/gen.py", "-"], LEAKY.as_bytes());
    assert_ne!(text(&output.stdout), LEAKY, "without --force-exclude a named file is checked, as on the command line");
}

#[test]
fn stdin_filename_needs_standard_input() {
    let dir = project(&[("a.py", LEAKY.as_bytes())]);
    let output = run(cmd(&["--stdin-filename", "a.py", "a.py"]), dir.path());
    assert_eq!(code(&output), 2);
    assert!(text(&output.stderr).contains("--stdin-filename"), "{}", text(&output.stderr));
}
