//! Runtime guarantees: each scenario under tests/runtime/ is leaky code plus a Python check of
//! design.md's guarantees. The check must FAIL on the original, with its own failure line (the
//! leak is real and the check can fail), and PASS on what the real binary writes; a second run
//! must change nothing. Where the original is right (a deliberate swallow no fix may break), the
//! check must instead FAIL on the scenario's `harmful.py`, a rewrite that breaks it.
//!
//! Each finding's own fix is judged too, not only the multi-pass result (a later pass may repair
//! a wrong fix, while the fix a finding carries in JSON, SARIF, `-i` and the editor stays wrong):
//! the fixes `--format json` gives, each applied alone to the original, must compile, and the
//! check must PASS on the original with all of them applied at once (the first pass, nothing
//! from a later one). A fix alone is not run through the check when the scenario has other
//! findings: their leaks are still in that file, so the check fails on them. Fixes of nested
//! handlers overlap and cannot be applied at once; they are only compiled alone.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{apply_edits, cancelsafe, code, json_edits, json_position, run, text};
use serde_json::Value;

struct Scenario {
    dir: PathBuf,
    /// The file the tool rewrites and the script that checks it.
    subject: &'static str,
    check: &'static str,
}

/// Every folder under tests/runtime/ is a scenario; one that cannot be run fails the suite.
fn scenarios() -> Vec<Scenario> {
    let root = common::repo_path("tests/runtime");
    let mut found = Vec::new();
    let mut unrunnable = Vec::new();
    for dir in std::fs::read_dir(&root).expect("tests/runtime exists").map(|entry| entry.unwrap().path()) {
        if !dir.is_dir() || dir.file_name().is_some_and(|name| name == "__pycache__" || name.to_string_lossy().starts_with('.')) {
            continue;
        }
        if dir.join("subject.py").is_file() && dir.join("check.py").is_file() {
            found.push(Scenario { dir, subject: "subject.py", check: "check.py" });
        } else if dir.join("service.py").is_file() && dir.join("check_signal.py").is_file() {
            found.push(Scenario { dir, subject: "service.py", check: "check_signal.py" });
        } else {
            unrunnable.push(dir.display().to_string());
        }
    }
    assert!(unrunnable.is_empty(), "scenario folders with neither subject.py + check.py nor service.py + check_signal.py: {unrunnable:?}");
    found.sort_by(|a, b| a.dir.cmp(&b.dir));
    found
}

fn scenario_name(scenario: &Scenario) -> String {
    scenario.dir.file_name().unwrap().to_string_lossy().into_owned()
}

/// Where the subject goes in the work folder: `subject.py`, or the path in the scenario's
/// `path` file (`tests/test_jobs.py`: test code by its path).
fn subject_path(scenario: &Scenario) -> PathBuf {
    match std::fs::read_to_string(scenario.dir.join("path")) {
        Ok(path) => PathBuf::from(path.trim()),
        Err(_) => PathBuf::from(scenario.subject),
    }
}

/// The Python a scenario's check runs under: `python3`, or the test virtualenv's (the packages
/// of tests/requirements.txt: anyio, trio) when the scenario has a `venv` file.
fn python_for(scenario: &Scenario) -> PathBuf {
    if scenario.dir.join("venv").is_file() {
        common::test_python()
    } else {
        PathBuf::from("python3")
    }
}

fn python_check(scenario: &Scenario, subject: &Path) -> (bool, String) {
    let output = common::output(Command::new(python_for(scenario)).arg("-B").arg(scenario.dir.join(scenario.check)).arg(subject));
    (output.status.success(), format!("{}{}", text(&output.stdout), text(&output.stderr)))
}

/// Does the check's output hold its own failure line (`NAME: FAIL: reason`, from a guarantee
/// it tests), rather than a crash, a traceback or an exit code alone?
fn fails_on_a_guarantee(scenario: &Scenario, output: &str) -> bool {
    let prefix = format!("{}: FAIL: ", scenario_name(scenario));
    output.lines().any(|line| line.starts_with(&prefix) && !line[prefix.len()..].starts_with("check crashed"))
}

/// The flag sets to rewrite a scenario with: one per line of its `args` (one empty set if none).
fn variants(scenario: &Scenario) -> Vec<Vec<String>> {
    match std::fs::read_to_string(scenario.dir.join("args")) {
        Ok(args) => args.lines().filter(|l| !l.trim().is_empty()).map(|l| l.split_whitespace().map(str::to_string).collect()).collect(),
        Err(_) => vec![Vec::new()],
    }
}

/// Runs one scenario with one set of flags; returns what went wrong, if anything.
fn run_scenario(scenario: &Scenario, extra: &[String]) -> Result<(), String> {
    let name = format!("{} [{}]", scenario_name(scenario), extra.join(" "));
    let work = common::tempdir();
    let relative = subject_path(scenario);
    let subject = work.path().join(&relative);
    std::fs::create_dir_all(subject.parent().unwrap()).unwrap();
    std::fs::copy(scenario.dir.join(scenario.subject), &subject).unwrap();

    let harmful = scenario.dir.join("harmful.py");
    let (must_fail, what) = if harmful.is_file() { (harmful, "the harmful rewrite") } else { (subject.clone(), "the leaky original") };
    let (passed, output) = python_check(scenario, &must_fail);
    if passed {
        return Err(format!("{name}: the check passes on {what}, so it proves nothing\n{output}"));
    }
    if !fails_on_a_guarantee(scenario, &output) {
        return Err(format!("{name}: the check fails on {what} without its own failure line (`{}: FAIL: …`)\n{output}", scenario_name(scenario)));
    }

    let original = std::fs::read_to_string(&subject).unwrap();
    let mut json = cancelsafe();
    json.args(["--check", "--format", "json"]).args(extra).arg(&relative);
    let json = run(json, work.path());
    let findings: Value = serde_json::from_slice(&json.stdout).map_err(|error| format!("{name}: --format json gave no JSON ({error})\n{}{}", text(&json.stdout), text(&json.stderr)))?;

    // Every problem is reported, not only the first: an exit code alone says little.
    let mut problems = Vec::new();
    let mut write = cancelsafe();
    write.arg("--write").args(extra).arg(&relative);
    let written = run(write, work.path());
    if code(&written) != 0 {
        problems.push(format!("{name}: `cancelsafe --write {}` exited {}\n{}{}", extra.join(" "), code(&written), text(&written.stdout), text(&written.stderr)));
    }
    let fixed = std::fs::read_to_string(&subject).unwrap();

    let (passed, output) = python_check(scenario, &subject);
    if !passed {
        problems.push(format!("{name}: the rewritten code breaks a guarantee\n{output}\n--- rewritten:\n{fixed}"));
    }
    problems.extend(judge_first_pass(scenario, &name, &original, &fixed, &findings, &work.path().join("first-pass").join(&relative)).err());
    if !problems.is_empty() {
        return Err(problems.join("\n"));
    }

    let mut again = cancelsafe();
    again.arg("--write").args(extra).arg(&relative);
    let again = run(again, work.path());
    let after = std::fs::read_to_string(&subject).unwrap();
    if code(&again) != 0 || after != fixed {
        return Err(format!("{name}: a second run is not a no-op (exit {})\n{}", code(&again), text(&again.stdout)));
    }
    Ok(())
}

/// Each finding's own fix, as `--format json` carries it (the first pass): each alone must
/// compile, and the check must pass on all of them applied at once where they do not overlap.
fn judge_first_pass(scenario: &Scenario, name: &str, original: &str, fixed: &str, findings: &Value, path: &Path) -> Result<(), String> {
    let applied: Vec<&Value> = findings.as_array().unwrap().iter().filter(|finding| finding["fix"]["applies"] == true).collect();
    if applied.is_empty() {
        return Ok(());
    }
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    for finding in &applied {
        let (row, column) = json_position(&finding["location"]);
        let what = format!("the {} fix of {row}:{column}", finding["code"].as_str().unwrap_or("?"));
        let alone = apply_edits(original, &json_edits(&finding["fix"])).ok_or_else(|| format!("{name}: {what} has overlapping edits"))?;
        std::fs::write(path, &alone).unwrap();
        if let Some(error) = common::compile_error(path) {
            return Err(format!("{name}: {what}, applied alone, does not compile:\n{error}\n--- {what} alone:\n{alone}"));
        }
    }
    let every_edit: Vec<_> = applied.iter().flat_map(|finding| json_edits(&finding["fix"])).collect();
    let Some(first_pass) = apply_edits(original, &every_edit) else {
        return Ok(()); // nested handlers: their fixes overlap, each was compiled alone
    };
    if first_pass == fixed {
        return Ok(()); // the final result, already checked
    }
    std::fs::write(path, &first_pass).unwrap();
    let (passed, output) = python_check(scenario, path);
    if !passed {
        return Err(format!(
            "{name}: the findings' own fixes (the first pass, as --format json gives them) break a guarantee; --write's later passes changed them, but a fix each finding carries must hold alone\n{output}\n--- first pass:\n{first_pass}"
        ));
    }
    Ok(())
}

#[test]
fn every_fix_meets_the_runtime_guarantees() {
    let mut scenarios = scenarios();
    assert!(scenarios.len() >= 15, "expected at least fifteen runtime scenarios, found {}", scenarios.len());
    // CANCELSAFE_RUNTIME_ONLY=cs101_,cs301_ runs only the scenarios whose names hold one of
    // these (scripts/mutate.py uses it; CI runs them all).
    if let Ok(only) = std::env::var("CANCELSAFE_RUNTIME_ONLY") {
        scenarios.retain(|s| only.split(',').any(|part| scenario_name(s).contains(part.trim())));
        assert!(!scenarios.is_empty(), "CANCELSAFE_RUNTIME_ONLY={only} matches no scenario");
    }
    let runs: Vec<(&Scenario, Vec<String>)> = scenarios.iter().flat_map(|s| variants(s).into_iter().map(move |v| (s, v))).collect();
    // A bounded pool: the checks poll and time their scenarios, and the signal scenarios give a
    // subprocess a few seconds to start, so all of them at once on two cores would fail on load.
    let next = std::sync::atomic::AtomicUsize::new(0);
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get()) * 3;
    let failures: Vec<String> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers.min(runs.len()))
            .map(|_| {
                scope.spawn(|| {
                    let mut failures = Vec::new();
                    while let Some((s, extra)) = runs.get(next.fetch_add(1, std::sync::atomic::Ordering::Relaxed)) {
                        failures.extend(run_scenario(s, extra).err());
                    }
                    failures
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().unwrap()).collect()
    });
    assert!(failures.is_empty(), "{} of {} runs failed:\n\n{}", failures.len(), runs.len(), failures.join("\n\n"));
}

/// The bounded-shield form of the seed guide catches `CancelledError` as well as the timeout.
/// Its copy must fail guarantee (b): a cancel during a normal-path cleanup is swallowed. This
/// keeps anyone from "simplifying" the fix back to it.
#[test]
fn the_seed_guides_bounded_shield_swallows_a_cancel() {
    let scenario = Scenario {
        dir: common::repo_path("tests/runtime/cs301_bounded_cleanup"),
        subject: "subject.py",
        check: "check.py",
    };
    let (passed, output) = python_check(&scenario, &scenario.dir.join("seed_snippet.py"));
    assert!(!passed, "the seed snippet passes the check:\n{output}");
    assert!(output.contains("FAIL: (b)"), "the seed snippet should fail guarantee (b), not something else:\n{output}");
}

/// Forms that look like fixes but are not (`"""NOT a valid fix: …` files next to a scenario,
/// such as an earlier version of a fix): each must fail its scenario's check on the property
/// its docstring names (`must fail on (d)`), so nobody "simplifies" a fix back to one.
#[test]
fn rejected_fix_forms_fail_their_check() {
    let mut checked = 0;
    for scenario in scenarios() {
        for entry in std::fs::read_dir(&scenario.dir).unwrap() {
            let path = entry.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            if path.extension().is_none_or(|ext| ext != "py") || !text.starts_with("\"\"\"NOT a valid fix") {
                continue;
            }
            let docstring = text.split("\"\"\"").nth(1).unwrap_or_default().split_whitespace().collect::<Vec<_>>().join(" ");
            let property = docstring.split("must fail on ").nth(1).and_then(|rest| rest.split(')').next()).map(|p| format!("{p})"));
            let property = property.unwrap_or_else(|| panic!("{}: the docstring does not say `must fail on (x)`", path.display()));
            let (passed, output) = python_check(&scenario, &path);
            assert!(!passed, "{} passes its check:\n{output}", path.display());
            assert!(output.contains(&format!("FAIL: {property}")), "{} should fail {property}, not something else:\n{output}", path.display());
            checked += 1;
        }
    }
    assert!(checked >= 5, "expected at least five rejected fix forms, found {checked}");
}

/// The fixes applied by hand (`fixed_by_hand*.py`, the forms of docs/fix-forms.md) are the
/// reference the tool is measured against: each must pass its scenario's check.
#[test]
fn hand_written_fixes_pass_their_check() {
    let mut failures = Vec::new();
    let mut checked = 0;
    for scenario in scenarios() {
        for entry in std::fs::read_dir(&scenario.dir).unwrap() {
            let path = entry.unwrap().path();
            let file_name = path.file_name().unwrap().to_string_lossy().into_owned();
            if !(file_name.starts_with("fixed_by_hand") && file_name.ends_with(".py")) {
                continue;
            }
            let (passed, output) = python_check(&scenario, &path);
            if !passed {
                failures.push(format!("{}:\n{output}", path.display()));
            }
            checked += 1;
        }
    }
    assert!(checked >= 20, "expected at least twenty hand-written fixes, found {checked}");
    assert!(failures.is_empty(), "hand-written fixes fail their check:\n\n{}", failures.join("\n\n"));
}

/// docs/semaphore-gather.md explains why there is no rule for a semaphore-limited `gather`;
/// its runnable example checks each claim of the page (cancel while jobs wait, a failing job,
/// `as_completed`, and a real Ctrl-C to a subprocess).
#[test]
fn the_semaphore_gather_page_example_holds() {
    let example = common::repo_path("docs/examples/semaphore_gather.py");
    let output = Command::new("python3").arg("-B").arg(&example).output().expect("python3 not found");
    let stdout = text(&output.stdout);
    assert!(output.status.success(), "a claim of docs/semaphore-gather.md does not hold:\n{stdout}{}", text(&output.stderr));
    let claims = stdout.lines().filter(|line| line.ends_with(": ok")).count();
    assert_eq!(claims, 9, "expected nine claims, each `: ok`:\n{stdout}");
}

/// The library facts the anyio/trio rules rest on: an anyio memory object stream's `aclose()`
/// has no checkpoint on either backend and a trio memory channel's does, and an unbounded
/// `asyncio.Queue`'s `put()` never waits in a cancelled anyio scope (CS301,
/// src/analysis/checkpoints.rs), and a spawned task that swallows its cancellation and ends
/// changes nothing its parent sees (CS101/CS102, `ends_a_spawned_task`), and a nursery
/// cancelled from outside raises a group past `except trio.Cancelled` while asyncio's task
/// group raises the cancel bare (CS301's `cleanup_handlers`). Run on the pinned
/// anyio and trio, so an upgrade that changes one fails here.
#[test]
fn the_checkpoint_facts_hold_on_the_pinned_libraries() {
    let script = common::repo_path("tests/library_facts/checkpoints.py");
    let output = Command::new(common::test_python()).arg("-B").arg(&script).output().expect("the test virtualenv's python");
    let stdout = text(&output.stdout);
    assert!(output.status.success(), "a library fact a rule relies on does not hold:\n{stdout}{}", text(&output.stderr));
    assert_eq!(stdout.lines().filter(|line| line.ends_with(": ok")).count(), 15, "expected fifteen facts, each `: ok`:\n{stdout}");
}
