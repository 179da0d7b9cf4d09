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
    // The concise findings print nothing rather than half a list; the exit code says why.
    let output = piped(dir.path(), &["--format", "concise", "-"], broken.as_bytes());
    assert_eq!(code(&output), 2);
    assert!(output.stdout.is_empty(), "{}", text(&output.stdout));
}

/// A syntax error or an undecodable input is part of the machine output, as for a file on
/// disk: the JSON error entry, the `::error` annotation, the SARIF notification, at the error's
/// line and column, and stdout holds that one document only.
#[test]
fn machine_formats_carry_the_error_of_the_input() {
    let dir = project_with_ignores();
    let broken = "import asyncio\n\nasync def main(:\n    asyncio.create_task(main())\n";
    let latin1: &[u8] = b"import asyncio\nx = '\xe9'\n";
    for (input, kind, row, column, message) in [(broken.as_bytes(), "parse", 3, 16, "syntax error"), (latin1, "parse", 2, 6, "UTF-8")] {
        for name in [Some("src/app.py"), None] {
            let mut args = vec!["--check"];
            args.extend(name.map(|name| ["--stdin-filename", name]).into_iter().flatten());
            let filename = name.unwrap_or("-");
            let with = |format: &'static str| [&args[..], &["--format", format, "-"]].concat();
            let what = format!("{filename} ({message})");

            let output = piped(dir.path(), &with("json"), input);
            assert_eq!(code(&output), 2, "{what}");
            let entries: Vec<Value> = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("{what}: stdout is not the JSON document alone ({e}):\n{}", text(&output.stdout)));
            assert_eq!(entries.len(), 1, "{what}: {entries:#?}");
            let entry = &entries[0];
            assert_eq!((entry["code"].clone(), entry["error"].as_str(), entry["filename"].as_str()), (Value::Null, Some(kind), Some(filename)), "{what}: {entry:#}");
            assert_eq!(json_position(&entry["location"]), (row, column), "{what}: {entry:#}");
            assert!(entry["message"].as_str().unwrap().contains(message), "{what}: {entry:#}");
            assert!(text(&output.stderr).contains(&format!("{filename}:{row}:{column}:")), "{what}: the error stays on stderr too:\n{}", text(&output.stderr));

            let output = piped(dir.path(), &with("github"), input);
            assert_eq!(code(&output), 2, "{what}");
            let stdout = text(&output.stdout);
            let lines: Vec<&str> = stdout.lines().collect();
            assert_eq!(lines.len(), 1, "{what}: {stdout}");
            assert!(lines[0].starts_with(&format!("::error file={filename},line={row},col={column},title=cancelsafe (parse error)::")), "{what}: {stdout}");

            let output = piped(dir.path(), &with("sarif"), input);
            assert_eq!(code(&output), 2, "{what}");
            assert_valid_sarif(dir.path(), &output.stdout);
            let log: Value = serde_json::from_slice(&output.stdout).unwrap();
            let invocation = &log["runs"][0]["invocations"][0];
            assert_eq!(invocation["executionSuccessful"], false, "{what}: {invocation:#}");
            let notifications = invocation["toolExecutionNotifications"].as_array().unwrap();
            assert_eq!(notifications.len(), 1, "{what}: {invocation:#}");
            let location = &notifications[0]["locations"][0]["physicalLocation"];
            assert_eq!(location["artifactLocation"]["uri"], filename, "{what}: {location:#}");
            assert_eq!((location["region"]["startLine"].as_u64(), location["region"]["startColumn"].as_u64()), (Some(row as u64), Some(column as u64)), "{what}");
            assert_eq!(log["runs"][0]["results"], Value::Array(Vec::new()), "{what}");
        }
    }
    // Preview mode in a machine format prints findings too, so its error entry as well.
    let output = piped(dir.path(), &["--format", "json", "--stdin-filename", "src/app.py", "-"], broken.as_bytes());
    let entries: Vec<Value> = serde_json::from_slice(&output.stdout).expect("the JSON document alone");
    assert_eq!((code(&output), entries.len(), entries[0]["error"].as_str()), (2, 1, Some("parse")));
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
