//! Runtime guarantees: each scenario under tests/runtime/ is leaky code plus a Python check of
//! design.md's guarantees. The check must FAIL on the original (the leak is real and the check
//! can fail) and PASS on what the real binary writes; a second run must change nothing. Where
//! the original is right (a deliberate swallow no fix may break), the check must instead FAIL on
//! the scenario's `harmful.py`, a rewrite that breaks it.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{cancelsafe, code, run, text};

struct Scenario {
    dir: PathBuf,
    /// The file the tool rewrites and the script that checks it.
    subject: &'static str,
    check: &'static str,
}

fn scenarios() -> Vec<Scenario> {
    let root = common::repo_path("tests/runtime");
    let mut found: Vec<Scenario> = std::fs::read_dir(&root)
        .expect("tests/runtime exists")
        .map(|entry| entry.unwrap().path())
        .filter(|dir| dir.is_dir())
        .filter_map(|dir| {
            if dir.join("subject.py").is_file() && dir.join("check.py").is_file() {
                Some(Scenario { dir, subject: "subject.py", check: "check.py" })
            } else if dir.join("service.py").is_file() && dir.join("check_signal.py").is_file() {
                Some(Scenario { dir, subject: "service.py", check: "check_signal.py" })
            } else {
                None
            }
        })
        .collect();
    found.sort_by(|a, b| a.dir.cmp(&b.dir));
    found
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

/// The flag sets to rewrite a scenario with: one per line of its `args` (one empty set if none).
fn variants(scenario: &Scenario) -> Vec<Vec<String>> {
    match std::fs::read_to_string(scenario.dir.join("args")) {
        Ok(args) => args.lines().filter(|l| !l.trim().is_empty()).map(|l| l.split_whitespace().map(str::to_string).collect()).collect(),
        Err(_) => vec![Vec::new()],
    }
}

/// Runs one scenario with one set of flags; returns what went wrong, if anything.
fn run_scenario(scenario: &Scenario, extra: &[String]) -> Result<(), String> {
    let name = format!("{} [{}]", scenario.dir.file_name().unwrap().to_string_lossy(), extra.join(" "));
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

    let mut write = cancelsafe();
    write.arg("--write").args(extra).arg(&relative);
    let written = run(write, work.path());
    if code(&written) != 0 {
        return Err(format!("{name}: `cancelsafe --write {}` exited {}\n{}{}", extra.join(" "), code(&written), text(&written.stdout), text(&written.stderr)));
    }
    let fixed = std::fs::read_to_string(&subject).unwrap();

    let (passed, output) = python_check(scenario, &subject);
    if !passed {
        return Err(format!("{name}: the rewritten code breaks a guarantee\n{output}\n--- rewritten:\n{fixed}"));
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

#[test]
fn every_fix_meets_the_runtime_guarantees() {
    let scenarios = scenarios();
    assert!(scenarios.len() >= 15, "expected at least fifteen runtime scenarios, found {}", scenarios.len());
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
/// has no checkpoint on either backend and a trio memory channel's does (CS301,
/// src/analysis/checkpoints.rs), and a spawned task that swallows its cancellation and ends
/// changes nothing its parent sees (CS101/CS102, `ends_a_spawned_task`). Run on the pinned
/// anyio and trio, so an upgrade that changes one fails here.
#[test]
fn the_checkpoint_facts_hold_on_the_pinned_libraries() {
    let script = common::repo_path("tests/runtime/facts/checkpoints.py");
    let output = Command::new(common::test_python()).arg("-B").arg(&script).output().expect("the test virtualenv's python");
    let stdout = text(&output.stdout);
    assert!(output.status.success(), "a fact CS301 relies on does not hold:\n{stdout}{}", text(&output.stderr));
    assert_eq!(stdout.lines().filter(|line| line.ends_with(": ok")).count(), 6, "expected six facts, each `: ok`:\n{stdout}");
}
