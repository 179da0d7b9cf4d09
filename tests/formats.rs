//! Output formats and the flags that shape output, on the real binary: each format is checked
//! for structure (and SARIF against the official 2.1.0 schema), and the fix edits a format
//! carries must rebuild exactly what `--write` writes.

mod common;

use cancelsafe::rules::Rule;
use common::{apply_edits, assert_valid_sarif, cmd, code, json_edits, json_position, project, read, run, text};
use serde_json::Value;

/// One safe CS101 fix (line 7) and one unsafe CS301 fix (line 16: in test code).
const TWO_LEAKS: &str = "import asyncio\n\n\nasync def worker(log, conn):\n    try:\n        await asyncio.sleep(10)\n    except asyncio.CancelledError:\n        log.append('stopped')\n        return\n\n\nasync def test_close(conn):\n    try:\n        await conn.send()\n    finally:\n        await conn.close()\n";

fn json_of(bytes: &[u8]) -> Value {
    serde_json::from_slice(bytes).unwrap_or_else(|error| panic!("not JSON ({error}):\n{}", text(bytes)))
}

#[test]
fn json_lists_findings_with_positions_and_fix_edits_that_rebuild_the_write() {
    let dir = project(&[("src/app.py", TWO_LEAKS.as_bytes())]);
    let output = run(cmd(&["--check", "--format", "json", "src"]), dir.path());
    assert_eq!(code(&output), 1);
    let findings = json_of(&output.stdout);
    let findings = findings.as_array().expect("an array");
    assert_eq!(findings.len(), 2, "{findings:#?}");
    let cs101 = &findings[0];
    assert_eq!(cs101["code"], "CS101");
    assert_eq!(cs101["name"], "swallowed-cancellation");
    assert_eq!(cs101["filename"], "src/app.py");
    assert!(cs101["message"].as_str().unwrap().contains("without re-raising"));
    assert_eq!(json_position(&cs101["location"]), (7, 5));
    assert_eq!(json_position(&cs101["end_location"]), (7, 34));
    assert_eq!(cs101["fix"]["applicability"], "safe");
    assert_eq!(cs101["fix"]["applies"], true);
    assert_eq!(findings[1]["code"], "CS301");
    assert_eq!(findings[1]["fix"]["applicability"], "unsafe");
    assert_eq!(findings[1]["fix"]["applies"], false, "unsafe fixes apply only with --unsafe-fixes");
    assert!(cs101["fix"].get("reason").is_none(), "a safe fix needs no reason: {cs101:#}");
    let reason = findings[1]["fix"]["reason"].as_str().unwrap_or_else(|| panic!("an unsafe fix carries its reason: {:#}", findings[1]));
    assert!(reason.contains("`test_close` is a test"), "{reason}");

    let edits: Vec<_> = findings.iter().flat_map(|finding| json_edits(&finding["fix"])).collect();
    let write = run(cmd(&["--write", "--unsafe-fixes", "src"]), dir.path());
    assert_eq!(code(&write), 0, "{}", text(&write.stdout));
    assert_eq!(apply_edits(TWO_LEAKS, &edits).expect("the fixes do not collide"), read(dir.path(), "src/app.py"), "the JSON edits are the fix --write applies");

    let after = run(cmd(&["--check", "--format", "json", "src"]), dir.path());
    assert_eq!((code(&after), json_of(&after.stdout)), (0, Value::Array(Vec::new())), "no findings: an empty array");
    assert!(text(&after.stderr).contains("No cancellation leaks"), "the summary goes to stderr, stdout stays JSON");
}

#[test]
fn github_format_prints_workflow_commands_with_escaped_properties() {
    let dir = project(&[("odd, name.py", TWO_LEAKS.as_bytes())]);
    let output = run(cmd(&["--check", "--format", "github", "."]), dir.path());
    assert_eq!(code(&output), 1);
    let stdout = text(&output.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{stdout}");
    assert!(
        lines[0].starts_with("::error file=odd%2C name.py,line=7,col=5,endLine=7,endColumn=34,title=cancelsafe (CS101 swallowed-cancellation)::odd, name.py:7:5: CS101 `except asyncio.CancelledError` returns"),
        "{stdout}"
    );
    assert!(lines[1].starts_with("::error file=odd%2C name.py,line=16,col=9,"), "{stdout}");
}

#[test]
fn sarif_is_valid_against_the_official_schema_and_carries_rules_and_fixes() {
    let dir = project(&[("src/app.py", TWO_LEAKS.as_bytes()), ("src/clean.py", b"import asyncio\n")]);
    let output = run(cmd(&["--check", "--format", "sarif", "src"]), dir.path());
    assert_eq!(code(&output), 1);
    assert_valid_sarif(dir.path(), &output.stdout);

    let log = json_of(&output.stdout);
    assert_eq!(log["version"], "2.1.0");
    let run_ = &log["runs"][0];
    let rules = run_["tool"]["driver"]["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|rule| rule["id"].as_str().unwrap()).collect();
    let every_rule: Vec<&str> = Rule::ALL.iter().map(|rule| rule.code()).collect();
    assert_eq!(ids, every_rule, "the driver lists every rule, in code order");
    assert!(rules[0]["fullDescription"]["text"].as_str().unwrap().contains("CancelledError"));
    assert!(rules[0]["help"]["markdown"].as_str().unwrap().starts_with("# CS101"), "the rule page is the help");
    let results = run_["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    let first = &results[0];
    assert_eq!(first["ruleId"], "CS101");
    assert_eq!(rules[first["ruleIndex"].as_u64().unwrap() as usize]["id"], "CS101");
    let location = &first["locations"][0]["physicalLocation"];
    assert_eq!(location["artifactLocation"]["uri"], "src/app.py");
    assert_eq!((location["region"]["startLine"].as_u64(), location["region"]["startColumn"].as_u64()), (Some(7), Some(5)));
    let replacement = &first["fixes"][0]["artifactChanges"][0]["replacements"][0];
    let unsafe_fix = results[1]["fixes"][0]["description"]["text"].as_str().unwrap();
    assert!(unsafe_fix.starts_with("unsafe fix: `test_close` is a test"), "the SARIF fix says why it is unsafe: {unsafe_fix}");
    assert_eq!(replacement["insertedContent"]["text"], "raise");
    assert_eq!(replacement["deletedRegion"]["startLine"], 9);
}

#[test]
fn concise_statistics_and_show_fixes() {
    let dir = project(&[("a.py", TWO_LEAKS.as_bytes()), ("b.py", TWO_LEAKS.as_bytes())]);
    let concise = run(cmd(&["--check", "--format", "concise", "."]), dir.path());
    let stdout = text(&concise.stdout);
    assert!(stdout.starts_with("a.py:7:5: CS101 swallowed-cancellation [*] `except asyncio.CancelledError` returns"), "{stdout}");
    assert!(stdout.contains("\nb.py:16:9: CS301 unshielded-cleanup-await [unsafe fix] "), "{stdout}");
    assert!(!stdout.contains("@@"), "concise prints no diff:\n{stdout}");

    let statistics = run(cmd(&["--check", "--statistics", "."]), dir.path());
    assert_eq!(code(&statistics), 1);
    let table = text(&statistics.stdout);
    assert!(
        table.starts_with(
            "count  code   name                      safe fix  unsafe fix  no fix\n\
             \x20   2  CS101  swallowed-cancellation           2           0       0\n\
             \x20   2  CS301  unshielded-cleanup-await         0           2       0\n\n"
        ),
        "{table}"
    );
    assert!(table.contains("safe fix: --write applies it. unsafe fix: applied only with --unsafe-fixes"), "a legend:\n{table}");
    let counts = |args: &[&str]| {
        let as_json = json_of(&run(cmd(&[&["--check", "--statistics", "--format", "json"][..], args, &["."]].concat()), dir.path()).stdout);
        as_json
            .as_array()
            .unwrap()
            .iter()
            .map(|rule| {
                let n = |key: &str| rule[key].as_u64().unwrap_or_else(|| panic!("{key} in {rule}"));
                (rule["code"].as_str().unwrap().to_string(), [n("count"), n("fixable"), n("safe_fixes"), n("unsafe_fixes"), n("no_fix")])
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(counts(&[]), [("CS101".to_string(), [2, 2, 2, 0, 0]), ("CS301".to_string(), [2, 0, 0, 2, 0])]);
    assert_eq!(counts(&["--unsafe-fixes"]), [("CS101".to_string(), [2, 2, 2, 0, 0]), ("CS301".to_string(), [2, 2, 0, 2, 0])]);
    let no_fix = counts(&["--target-version", "py38", "--select", "CS301"]);
    assert!(no_fix.iter().all(|(_, [count, _, safe, unsafe_, none])| safe + unsafe_ + none == *count), "{no_fix:?}");

    let as_json = run(cmd(&["--check", "--show-fixes", "--format", "json", "."]), dir.path());
    assert_eq!(json_of(&as_json.stdout).as_array().unwrap().len(), 4, "stdout stays JSON");
    assert!(text(&as_json.stderr).starts_with("Would fix 2 leaks:\n- a.py:\n"), "{}", text(&as_json.stderr));

    let shown = run(cmd(&["--write", "--show-fixes", "."]), dir.path());
    assert_eq!(code(&shown), 1, "the CS301 findings remain");
    let stdout = text(&shown.stdout);
    assert!(stdout.contains("Fixed 2 leaks:\n- a.py:\n    1 × CS101 (swallowed-cancellation)\n- b.py:\n    1 × CS101 (swallowed-cancellation)\n"), "{stdout}");
}

#[test]
fn exit_zero_exit_non_zero_on_fix_and_quiet() {
    let dir = project(&[("a.py", TWO_LEAKS.as_bytes())]);
    let output = run(cmd(&["--check", "--exit-zero", "."]), dir.path());
    assert_eq!(code(&output), 0);
    assert!(text(&output.stdout).contains("a.py:7:5: CS101"), "findings are still printed");
    assert_eq!(code(&run(cmd(&["--check", "--exit-zero", "missing.py"]), dir.path())), 2, "errors still fail");

    let quiet = run(cmd(&["--check", "--quiet", "--format", "concise", "."]), dir.path());
    assert_eq!(code(&quiet), 1);
    assert_eq!(text(&quiet.stdout).lines().count(), 2, "findings only, no summary:\n{}", text(&quiet.stdout));
    assert!(text(&quiet.stderr).is_empty());

    let fixed_everything = run(cmd(&["--write", "--unsafe-fixes", "."]), dir.path());
    assert_eq!(code(&fixed_everything), 0, "nothing remains");
    std::fs::write(dir.path().join("a.py"), TWO_LEAKS).unwrap();
    let strict = run(cmd(&["--write", "--unsafe-fixes", "--exit-non-zero-on-fix", "."]), dir.path());
    assert_eq!(code(&strict), 1, "a fix was applied");
    let nothing_to_fix = run(cmd(&["--write", "--exit-non-zero-on-fix", "."]), dir.path());
    assert_eq!(code(&nothing_to_fix), 0, "{}", text(&nothing_to_fix.stdout));
}

#[test]
fn standard_input_takes_the_format_too() {
    let output = common::output_with_input(&mut cmd(&["--check", "--format", "json", "-"]), Some(TWO_LEAKS.as_bytes()));
    assert_eq!(code(&output), 1);
    let findings = json_of(&output.stdout);
    assert_eq!(findings[0]["filename"], "-");
    assert_eq!(findings.as_array().unwrap().len(), 2);
}

/// Two files that cannot be checked (a syntax error at 2:11, bytes that are not UTF-8 at 2:5)
/// beside one with findings.
fn project_with_failures() -> tempfile::TempDir {
    project(&[
        ("src/app.py", TWO_LEAKS.as_bytes()),
        ("src/broken.py", b"import asyncio\nasync def f(:\n    pass\n"),
        ("src/latin1.py", b"x = 1\ny = '\xe9'\n"),
    ])
}

#[test]
fn machine_formats_report_files_that_could_not_be_checked_with_their_positions() {
    let dir = project_with_failures();

    let output = run(cmd(&["--check", "--format", "json", "src"]), dir.path());
    assert_eq!(code(&output), 2, "{}", text(&output.stderr));
    let entries = json_of(&output.stdout);
    let entries = entries.as_array().expect("an array");
    let errors: Vec<&Value> = entries.iter().filter(|entry| entry["code"].is_null()).collect();
    assert_eq!(entries.len() - errors.len(), 2, "the findings are still there: {entries:#?}");
    assert_eq!(errors.len(), 2, "{entries:#?}");
    let broken = errors.iter().find(|e| e["filename"] == "src/broken.py").expect("an entry for the syntax error");
    assert_eq!(broken["error"], "parse");
    assert_eq!(json_position(&broken["location"]), (2, 13), "{broken:#}");
    assert!(broken["fix"].is_null());
    let latin1 = errors.iter().find(|e| e["filename"] == "src/latin1.py").expect("an entry for the UTF-8 error");
    assert_eq!(json_position(&latin1["location"]), (2, 6), "{latin1:#}");
    assert!(latin1["message"].as_str().unwrap().contains("not valid UTF-8"), "{latin1:#}");

    let output = run(cmd(&["--check", "--format", "github", "src"]), dir.path());
    assert_eq!(code(&output), 2);
    let stdout = text(&output.stdout);
    let line = stdout.lines().find(|line| line.contains("file=src/broken.py")).unwrap_or_else(|| panic!("no annotation for the syntax error:\n{stdout}"));
    assert!(line.starts_with("::error file=src/broken.py,line=2,col=13,title=cancelsafe (parse error)::src/broken.py:2:13: "), "{line}");
    assert!(stdout.contains("::error file=src/latin1.py,line=2,col=6,"), "{stdout}");

    let output = run(cmd(&["--check", "--format", "sarif", "src"]), dir.path());
    assert_eq!(code(&output), 2);
    let log = json_of(&output.stdout);
    let invocation = &log["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    let notifications = invocation["toolExecutionNotifications"].as_array().expect("notifications");
    assert_eq!(notifications.len(), 2, "{notifications:#?}");
    let region = &notifications[0]["locations"][0]["physicalLocation"]["region"];
    assert_eq!(notifications[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "src/broken.py");
    assert_eq!((region["startLine"].as_u64(), region["startColumn"].as_u64()), (Some(2), Some(13)));
    assert_eq!(log["runs"][0]["results"].as_array().map(Vec::len), Some(2));
    assert_valid_sarif(dir.path(), &output.stdout);
}
