//! Interactive review (`cancelsafe -i`) on the real binary in a real pseudo-terminal: keys are
//! typed one at a time after the prompt that asks for them, and the files on disk are checked
//! afterwards — they must parse, and the accepted fixes must pass the runtime checks of
//! tests/runtime/ (which fail on the leaky originals).
#![cfg(unix)]

mod common;

use std::path::Path;
use std::process::Command;

use rexpect::process::WaitStatus;
use rexpect::session::{Options, PtySession};

use common::{cancelsafe, code, compiles, read, repo_path, run, text};

/// Generous: a loaded machine must not make a test fail.
const TIMEOUT_MS: u64 = 60_000;
const PROMPT: &str = "Apply this fix [y,n,a,d,A,e,q,?]? ";
const EDIT_AGAIN: &str = "Edit again (n discards your edit and offers the fix as proposed) [y,n]? ";

/// A CS102 leak appended to runtime subjects: a second fix in the same file, which the runtime
/// checks do not exercise.
const CLOSE_ON_ERROR: &str = "\n\nasync def close_on_error(conn):\n    try:\n        await conn.read()\n    except BaseException:\n        conn.close()\n";
/// `conn.read()` may pass on a CancelledError that is not this task's: the count-snapshot form.
const CLOSE_ON_ERROR_FIXED: &str = "    cancels_before = asyncio.current_task().cancelling()\n    try:\n        await conn.read()\n    except BaseException as exc:\n        conn.close()\n        if (\n            isinstance(exc, asyncio.CancelledError)\n            and asyncio.current_task().cancelling() > cancels_before\n        ):\n            raise\n";
/// A second dropped task in the CS201 subject.
const HEARTBEAT: &str = "\n\nasync def heartbeat():\n    asyncio.create_task(asyncio.sleep(0))\n";
/// A retry loop: its CS101 fix is unsafe. (An asyncio queue's `get()` raises only this task's
/// cancel: the plain `raise`.)
const RETRY: &str = "import asyncio\n\n\nasync def poll(q: asyncio.Queue):\n    while True:\n        try:\n            await q.get()\n        except asyncio.CancelledError:\n            continue\n";

fn subject(scenario: &str) -> String {
    std::fs::read_to_string(repo_path(&format!("tests/runtime/{scenario}/subject.py"))).unwrap()
}

/// CS101 (safe) at line 19, then CS102 (safe).
fn consumer() -> String {
    subject("cs101_return_in_handler") + CLOSE_ON_ERROR
}

/// CS104 (safe), then CS102 (safe).
fn stopper() -> String {
    subject("cs104_stopper") + CLOSE_ON_ERROR
}

/// Two CS201 leaks: `submit` (checked at runtime), then `heartbeat`.
fn jobs() -> String {
    subject("cs201_gc_destroys_dropped_task") + HEARTBEAT
}

/// A temporary project with these files (text).
fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let files: Vec<(&str, &[u8])> = files.iter().map(|(name, contents)| (*name, contents.as_bytes())).collect();
    common::project(&files)
}

/// `cancelsafe -i ARGS` in a pseudo-terminal, in `dir`.
fn review(dir: &Path, args: &[&str], env: &[(&str, &str)], colours: bool) -> PtySession {
    let mut command = cancelsafe();
    command.arg("-i").args(args).current_dir(dir);
    for (name, value) in env {
        command.env(name, value);
    }
    let options = Options::new().timeout_ms(Some(TIMEOUT_MS)).strip_ansi_escape_codes(!colours);
    rexpect::spawn_with_options(command, options).expect("cannot start cancelsafe in a pseudo-terminal")
}

/// Waits for the fix headed `header` (`[2/4] a.py:27:5 CS102`) and its prompt, then answers.
/// Returns what was printed from the header on.
fn answer(session: &mut PtySession, header: &str, key: &str) -> String {
    session.exp_string(header).unwrap_or_else(|e| panic!("no fix headed {header:?}: {e}"));
    let shown = session.exp_string(PROMPT).unwrap_or_else(|e| panic!("no prompt after {header:?}: {e}"));
    session.send(key).unwrap();
    session.flush().unwrap();
    shown
}

/// Reads to the end and returns the rest of the output and the exit code.
fn finish(mut session: PtySession) -> (String, i32) {
    let rest = session.exp_eof().expect("cancelsafe did not end");
    match session.process().wait().unwrap() {
        WaitStatus::Exited(_, code) => (rest, code),
        other => panic!("cancelsafe did not exit normally: {other:?}\n{rest}"),
    }
}

/// Runs a runtime check of tests/runtime/ on `file`; returns whether it passed, and its output.
fn runtime_check(scenario: &str, file: &Path) -> (bool, String) {
    let output = Command::new("python3")
        .arg("-B")
        .arg(repo_path(&format!("tests/runtime/{scenario}/check.py")))
        .arg(file)
        .output()
        .expect("python3 not found");
    (output.status.success(), format!("{}{}", text(&output.stdout), text(&output.stderr)))
}

fn assert_runtime_check_passes(scenario: &str, file: &Path) {
    let (passed, output) = runtime_check(scenario, file);
    assert!(passed, "{scenario} fails on the reviewed file:\n{output}\n--- file:\n{}", std::fs::read_to_string(file).unwrap());
}

/// The check must fail on the original, or passing it afterwards proves nothing.
fn assert_runtime_check_fails(scenario: &str, file: &Path) {
    let (passed, output) = runtime_check(scenario, file);
    assert!(!passed, "{scenario} passes on the leaky file:\n{output}");
}

fn assert_compiles(dir: &Path, names: &[&str]) {
    for name in names {
        assert!(compiles(&dir.join(name)), "{name} does not parse:\n{}", read(dir, name));
    }
}

#[test]
fn accept_one_fix_and_skip_the_other_in_the_same_file() {
    let dir = project(&[("a.py", &consumer())]);
    assert_runtime_check_fails("cs101_return_in_handler", &dir.path().join("a.py"));
    let mut session = review(dir.path(), &["a.py"], &[], true);
    // Colour on a terminal: the removed line in red, the added one in green.
    let shown = answer(&mut session, ":19:5 ", "?");
    assert!(shown.contains("\u{1b}[31m-        return") && shown.contains("\u{1b}[32m+        raise"), "not coloured: {shown:?}");
    session.exp_string("A - apply this fix and every remaining fix in every file").expect("? prints the keys");
    session.exp_string(PROMPT).unwrap();
    session.send("y").unwrap();
    session.flush().unwrap();
    let shown = answer(&mut session, ":27:5 ", "n");
    assert!(shown.contains("safe fix"), "{shown}");
    let (rest, code) = finish(session);
    assert!(rest.contains("Accepted 1, skipped 1, edited 0 in 1 file (1 file written)."), "{rest}");
    assert_eq!(code, 1, "a skipped leak remains: exit 1 as --write would\n{rest}");

    let fixed = read(dir.path(), "a.py");
    assert!(fixed.contains("        log.append(\"consumer cancelled\")\n        raise\n"), "{fixed}");
    assert!(fixed.ends_with(CLOSE_ON_ERROR), "the skipped fix was applied:\n{fixed}");
    assert_compiles(dir.path(), &["a.py"]);
    assert_runtime_check_passes("cs101_return_in_handler", &dir.path().join("a.py"));
}

#[test]
fn header_counts_fixes_across_files_and_marks_unsafe_ones() {
    let dir = project(&[("a.py", &consumer()), ("b.py", RETRY)]);
    let mut session = review(dir.path(), &["."], &[], false);
    // The header has the column and the rule's name.
    answer(&mut session, "[1/3] a.py:19:5 CS101 swallowed-cancellation `except asyncio.CancelledError` returns without re-raising", "n");
    answer(&mut session, "[2/3] a.py:27:5 CS102 broad-except-swallows-cancellation", "n");
    let shown = answer(&mut session, "[3/3] b.py:8:9 CS101", "y");
    assert!(shown.contains("UNSAFE fix:") && shown.contains("--unsafe-fixes"), "{shown}");
    let (rest, code) = finish(session);
    assert!(rest.contains("Accepted 1, skipped 2, edited 0 in 2 files (1 file written)."), "{rest}");
    assert_eq!(code, 1);
    assert_eq!(read(dir.path(), "a.py"), consumer());
    assert_eq!(read(dir.path(), "b.py"), RETRY.replace("            continue\n", "            raise\n"));
}

/// CS201's helper is shared by both fixes of the file: it comes with whichever fix is
/// accepted, once, and with none if both are skipped.
#[test]
fn cs201_helper_comes_with_the_first_accepted_fix_and_never_alone() {
    let helper = "def _track_task(task):";
    for (keys, submit_fixed, heartbeat_fixed) in [(["y", "n"], true, false), (["n", "y"], false, true), (["n", "n"], false, false)] {
        let dir = project(&[("jobs.py", &jobs())]);
        let mut session = review(dir.path(), &["jobs.py"], &[], false);
        answer(&mut session, "[1/2] jobs.py:27:5 CS201", keys[0]);
        // The second fix is shown on the file as the first answer left it.
        answer(&mut session, "[2/2] jobs.py:", keys[1]);
        let (rest, _) = finish(session);
        let file = read(dir.path(), "jobs.py");
        let path = dir.path().join("jobs.py");
        assert_eq!(file.matches(helper).count(), usize::from(submit_fixed || heartbeat_fixed), "{keys:?}: {rest}\n{file}");
        assert_eq!(file.contains("    _track_task(asyncio.create_task(run_job(job_id, release)))\n"), submit_fixed, "{keys:?}\n{file}");
        assert_eq!(file.contains("    _track_task(asyncio.create_task(asyncio.sleep(0)))\n"), heartbeat_fixed, "{keys:?}\n{file}");
        assert_compiles(dir.path(), &["jobs.py"]);
        let advice = "CS201: added `_cancel_tracked_tasks()` to jobs.py: call `await _cancel_tracked_tasks()` from its shutdown path";
        assert_eq!(rest.contains(advice), submit_fixed || heartbeat_fixed, "{keys:?}: {rest}");
        if submit_fixed {
            assert_runtime_check_passes("cs201_gc_destroys_dropped_task", &path);
        } else {
            assert_runtime_check_fails("cs201_gc_destroys_dropped_task", &path);
        }
        if !submit_fixed && !heartbeat_fixed {
            assert_eq!(file, jobs(), "skipping every fix must leave the file as it was");
        }
    }
}

#[test]
fn quit_in_the_second_file_keeps_the_first_files_fixes() {
    let dir = project(&[("a.py", &consumer()), ("b.py", &stopper())]);
    let mut session = review(dir.path(), &["."], &[], false);
    answer(&mut session, "[1/4] a.py:19", "y");
    answer(&mut session, "[2/4] a.py:27", "y");
    session.exp_string("Wrote a.py (2 fixes).").unwrap();
    answer(&mut session, "[3/4] b.py:30:9 CS104", "y");
    answer(&mut session, "[4/4] b.py:", "q");
    let (rest, code) = finish(session);
    assert!(rest.contains("Wrote b.py (1 fix)."), "q writes what was accepted in the file: {rest}");
    assert!(rest.contains("Accepted 3, skipped 0, edited 0 in 2 files (2 files written)."), "{rest}");
    assert!(rest.contains("1 fix not applied (quit before the end of the review)."), "{rest}");
    assert_eq!(code, 1);

    let a = read(dir.path(), "a.py");
    assert!(a.contains(CLOSE_ON_ERROR_FIXED), "{a}");
    let b = read(dir.path(), "b.py");
    assert!(b.ends_with(CLOSE_ON_ERROR), "the unanswered fix was applied:\n{b}");
    assert_compiles(dir.path(), &["a.py", "b.py"]);
    assert_runtime_check_passes("cs101_return_in_handler", &dir.path().join("a.py"));
    assert_runtime_check_passes("cs104_stopper", &dir.path().join("b.py"));
}

#[test]
fn ctrl_c_leaves_the_current_file_untouched_and_end_of_input_quits() {
    // Ctrl-C in the second file: the first keeps its fixes, the second is not written.
    let dir = project(&[("a.py", &consumer()), ("b.py", &stopper())]);
    let mut session = review(dir.path(), &["."], &[], false);
    answer(&mut session, "[1/4] a.py:19", "y");
    answer(&mut session, "[2/4] a.py:27", "n");
    answer(&mut session, "[3/4] b.py:30", "y");
    answer(&mut session, "[4/4] b.py:", "\u{3}");
    let (rest, code) = finish(session);
    assert_eq!(code, 130, "{rest}");
    assert!(rest.contains("Interrupted: b.py left untouched (its 1 accepted fix discarded)."), "{rest}");
    assert!(rest.contains("Accepted 1, skipped 1, edited 0 in 2 files (1 file written)."), "{rest}");
    assert_eq!(read(dir.path(), "b.py"), stopper());
    assert_runtime_check_passes("cs101_return_in_handler", &dir.path().join("a.py"));

    // Ctrl-D (end of input) is q: what was accepted in the file is written.
    let dir = project(&[("b.py", &stopper())]);
    let mut session = review(dir.path(), &["."], &[], false);
    answer(&mut session, "[1/2] b.py:30", "y");
    answer(&mut session, "[2/2] b.py:", "\u{4}");
    let (rest, code) = finish(session);
    assert_eq!(code, 1, "{rest}");
    assert!(rest.contains("Wrote b.py (1 fix)."), "{rest}");
    assert_compiles(dir.path(), &["b.py"]);
    assert_runtime_check_passes("cs104_stopper", &dir.path().join("b.py"));
}

#[test]
fn a_applies_the_rest_of_the_file_and_d_skips_it() {
    let dir = project(&[("a.py", &consumer()), ("b.py", &stopper())]);
    let mut session = review(dir.path(), &["."], &[], false);
    answer(&mut session, "[1/4] a.py:19", "a");
    session.exp_string("Wrote a.py (2 fixes).").unwrap();
    answer(&mut session, "[3/4] b.py:30", "d");
    let (rest, code) = finish(session);
    assert!(rest.contains("Accepted 2, skipped 2, edited 0 in 2 files (1 file written)."), "{rest}");
    assert_eq!(code, 1);
    assert!(read(dir.path(), "a.py").contains(CLOSE_ON_ERROR_FIXED));
    assert_eq!(read(dir.path(), "b.py"), stopper());
    assert_compiles(dir.path(), &["a.py"]);
    assert_runtime_check_passes("cs101_return_in_handler", &dir.path().join("a.py"));
}

/// `A` applies what --write would everywhere; an unsafe fix is still asked.
#[test]
fn capital_a_applies_every_remaining_safe_fix_and_still_asks_unsafe_ones() {
    let dir = project(&[("a.py", &consumer()), ("b.py", &stopper()), ("c.py", &jobs()), ("d.py", RETRY)]);
    let mut session = review(dir.path(), &["."], &[], false);
    answer(&mut session, "[1/7] a.py:19", "n");
    answer(&mut session, "[2/7] a.py:27", "A");
    let shown = answer(&mut session, "[7/7] d.py:8:9 CS101", "n");
    assert!(shown.contains("UNSAFE fix:"), "{shown}");
    let (rest, code) = finish(session);
    assert!(rest.contains("Accepted 5, skipped 2, edited 0 in 4 files (3 files written)."), "{rest}");
    assert_eq!(code, 1);
    assert!(read(dir.path(), "a.py").contains(CLOSE_ON_ERROR_FIXED));
    assert!(read(dir.path(), "a.py").contains("        log.append(\"consumer cancelled\")\n        return\n"));
    assert_eq!(read(dir.path(), "d.py"), RETRY);
    assert_compiles(dir.path(), &["a.py", "b.py", "c.py"]);
    assert_runtime_check_passes("cs104_stopper", &dir.path().join("b.py"));
    assert_runtime_check_passes("cs201_gc_destroys_dropped_task", &dir.path().join("c.py"));
}

/// An editor that runs `python3 edit.py FILE`: `edits` is Python that changes `hunk` (the text
/// of the file to edit); every hunk file it is given is kept as `seen-N.diff`.
fn editor(dir: &Path, edits: &str) -> String {
    let script = dir.join("edit.py");
    std::fs::write(
        &script,
        format!(
            "import pathlib, sys\npath = pathlib.Path(sys.argv[1])\nhunk = path.read_text()\nhere = pathlib.Path(__file__).parent\nn = len(list(here.glob('seen-*.diff')))\n(here / f'seen-{{n}}.diff').write_text(hunk)\n{edits}\npath.write_text(hunk)\n"
        ),
    )
    .unwrap();
    format!("python3 {}", script.display())
}

#[test]
fn e_applies_the_edited_fix() {
    let dir = project(&[("a.py", &consumer())]);
    let tools = tempfile::tempdir().unwrap();
    let editor = editor(tools.path(), "hunk = hunk.replace('+        raise\\n', '+        raise  # reviewed\\n')");
    let mut session = review(dir.path(), &["a.py"], &[("EDITOR", &editor), ("VISUAL", "")], false);
    answer(&mut session, "[1/2] a.py:19", "e");
    session.exp_string("Edited fix applied.").unwrap();
    answer(&mut session, "[2/2] a.py:27", "n");
    let (rest, code) = finish(session);
    assert!(rest.contains("Accepted 0, skipped 1, edited 1 in 1 file (1 file written)."), "{rest}");
    assert_eq!(code, 1);

    let seen = std::fs::read_to_string(tools.path().join("seen-0.diff")).unwrap();
    assert!(seen.contains("@@ -18,7 +18,7 @@") && seen.contains("\n-        return\n+        raise\n"), "{seen}");
    let fixed = read(dir.path(), "a.py");
    assert!(fixed.contains("        log.append(\"consumer cancelled\")\n        raise  # reviewed\n"), "{fixed}");
    assert!(fixed.ends_with(CLOSE_ON_ERROR));
    assert_compiles(dir.path(), &["a.py"]);
    assert_runtime_check_passes("cs101_return_in_handler", &dir.path().join("a.py"));
}

/// As `git add -p`: an edit that does not parse or apply is reopened with the reviewer's own
/// text (`y`), or discarded and the fix offered again as proposed (`n`).
#[test]
fn e_reopens_a_broken_edit_with_the_reviewers_own_text() {
    let dir = project(&[("a.py", &consumer())]);
    let tools = tempfile::tempdir().unwrap();
    // 0: a syntax error; 1: the reviewer's text comes back, and they repair it; 2: a context
    // line changed, so the hunk no longer matches the file.
    let editor = editor(
        tools.path(),
        "if n == 0:\n    hunk = hunk.replace('+        raise\\n', '+        raise (\\n')\n\
         elif n == 1:\n    assert '+        raise (\\n' in hunk, hunk\n    hunk = hunk.replace('+        raise (\\n', '+        raise  # second try\\n')\n\
         else:\n    hunk = hunk.replace(' async def close_on_error(conn):\\n', ' async def close_on_error(connection):\\n')",
    );
    let mut session = review(dir.path(), &["a.py"], &[("EDITOR", &editor), ("VISUAL", "")], false);
    answer(&mut session, "[1/2] a.py:19:5", "e");
    session.exp_string("The edited fix does not parse:").unwrap();
    session.exp_string(EDIT_AGAIN).unwrap();
    session.send("y").unwrap();
    session.flush().unwrap();
    session.exp_string("Edited fix applied.").unwrap();
    answer(&mut session, "[2/2] a.py:27:5", "e");
    session.exp_string("The edited fix does not apply: the hunk at line").unwrap();
    session.exp_string(EDIT_AGAIN).unwrap();
    session.send("n").unwrap();
    session.flush().unwrap();
    session.exp_string("Your edit is discarded. The fix is offered again.").unwrap();
    // Offered again, as proposed.
    answer(&mut session, "[2/2] a.py:27:5", "n");
    let (rest, code) = finish(session);
    assert!(rest.contains("Accepted 0, skipped 1, edited 1 in 1 file (1 file written)."), "{rest}");
    assert_eq!(code, 1);
    let reopened = std::fs::read_to_string(tools.path().join("seen-1.diff")).unwrap();
    assert!(reopened.starts_with("# ! The edited fix does not parse: "), "the reason is on top:\n{reopened}");
    assert!(reopened.contains("\n+        raise (\n"), "the reviewer's own text comes back:\n{reopened}");
    assert!(!tools.path().join("seen-3.diff").exists(), "the discarded edit was not reopened");
    let fixed = read(dir.path(), "a.py");
    assert!(fixed.contains("        log.append(\"consumer cancelled\")\n        raise  # second try\n"), "{fixed}");
    assert!(fixed.ends_with(CLOSE_ON_ERROR), "{fixed}");
    assert_runtime_check_passes("cs101_return_in_handler", &dir.path().join("a.py"));
}

/// `a` and `A` say which fixes they applied, and where they are in the file.
#[test]
fn a_and_capital_a_print_what_they_applied() {
    let dir = project(&[("a.py", &consumer()), ("b.py", &stopper()), ("c.py", &jobs())]);
    let mut session = review(dir.path(), &["."], &[], false);
    answer(&mut session, "[1/6] a.py:19:5", "a");
    let applied_in_a = session.exp_string("Wrote a.py (2 fixes).").unwrap();
    answer(&mut session, "[3/6] b.py:30:9", "A");
    session.exp_string("Applied 1 more fix in b.py (A):\r\n  b.py:").unwrap();
    session.exp_string("CS102 broad-except-swallows-cancellation").unwrap();
    // c.py's fixes, never shown: listed where they are in the file as written (the helper was
    // inserted above them).
    let (rest, code) = finish(session);
    assert_eq!(code, 0, "{rest}");
    // The CS102 handler of a.py, where it is in the file as written (the CS101 fix above it
    // may have added lines).
    let a = read(dir.path(), "a.py");
    let handler = a.lines().position(|line| line == "    except BaseException as exc:").unwrap() + 1;
    assert!(
        applied_in_a.contains(&format!("Applied 1 more fix in a.py (a):\r\n  a.py:{handler}:5 CS102 broad-except-swallows-cancellation\r\n")),
        "{applied_in_a}\n{a}"
    );
    let c = read(dir.path(), "c.py");
    // `line:column` of the dropped call, now inside `_track_task(...)`.
    let place_of = |needle: &str| {
        let (n, line) = c.lines().enumerate().find(|(_, line)| line.contains(needle)).unwrap();
        format!("{}:{}", n + 1, line.find("asyncio.create_task").unwrap() + 1)
    };
    let submit = place_of("_track_task(asyncio.create_task(run_job(");
    let heartbeat = place_of("_track_task(asyncio.create_task(asyncio.sleep(0)))");
    assert!(
        rest.contains(&format!("Applied 2 more fixes in c.py (A):\r\n  c.py:{submit} CS201 fire-and-forget-task\r\n  c.py:{heartbeat} CS201 fire-and-forget-task\r\n")),
        "{rest}\n{c}"
    );
    assert!(rest.contains("Accepted 6, skipped 0, edited 0 in 3 files (3 files written)."), "{rest}");
}

/// A fix is counted as accepted once it is written. A file changed on disk while it was
/// reviewed is not overwritten: the accepted fixes are saved as a patch, and the review says
/// where.
#[test]
fn accepted_fixes_of_a_file_changed_on_disk_are_saved_as_a_patch() {
    let dir = project(&[("a.py", &consumer())]);
    let mut session = review(dir.path(), &["a.py"], &[], false);
    answer(&mut session, "[1/2] a.py:19:5", "y");
    // Someone else edits the file meanwhile.
    let edited_elsewhere = consumer() + "# edited meanwhile\n";
    std::fs::write(dir.path().join("a.py"), &edited_elsewhere).unwrap();
    answer(&mut session, "[2/2] a.py:27:5", "n");
    session.exp_string("changed on disk").unwrap();
    session.exp_string("Your 1 accepted fix for a.py are saved in a.py.cancelsafe.patch").unwrap();
    let (rest, code) = finish(session);
    assert_eq!(code, 2, "{rest}");
    assert!(rest.contains("Accepted 0, skipped 1, edited 0 in 1 file (0 files written)."), "a fix that was not written is not counted as accepted: {rest}");
    assert!(rest.contains("1 accepted fix was not written"), "{rest}");
    assert_eq!(read(dir.path(), "a.py"), edited_elsewhere, "the other edit is kept");

    // The patch applies to the file as it is now and gives the accepted fix on top of the edit.
    let git = Command::new("git").args(["apply", "a.py.cancelsafe.patch"]).current_dir(dir.path()).output().unwrap();
    assert!(git.status.success(), "{}", text(&git.stderr));
    let fixed = read(dir.path(), "a.py");
    assert!(fixed.contains("        log.append(\"consumer cancelled\")\n        raise\n") && fixed.ends_with("# edited meanwhile\n"), "{fixed}");
    assert_runtime_check_passes("cs101_return_in_handler", &dir.path().join("a.py"));

    // A second patch for the same file does not overwrite the first.
    std::fs::write(dir.path().join("a.py"), consumer()).unwrap();
    let mut session = review(dir.path(), &["a.py"], &[], false);
    answer(&mut session, "[1/2] a.py:19:5", "y");
    std::fs::write(dir.path().join("a.py"), &edited_elsewhere).unwrap();
    answer(&mut session, "[2/2] a.py:27:5", "n");
    session.exp_string("saved in a.py.cancelsafe-2.patch").unwrap();
    finish(session);
}

#[test]
fn color_never_is_honoured_in_the_review() {
    let dir = project(&[("a.py", &consumer())]);
    let mut session = review(dir.path(), &["--color", "never", "a.py"], &[], true);
    let shown = answer(&mut session, ":19:5 ", "q");
    assert!(!shown.contains('\u{1b}'), "no colour with --color never: {shown:?}");
    finish(session);
}

#[test]
fn cs201_with_a_helper_module_creates_it_when_a_fix_is_accepted() {
    let dir = project(&[("pkg/__init__.py", ""), ("pkg/jobs.py", &jobs())]);
    let mut session = review(dir.path(), &["--helper-module", "pkg.tasks", "pkg"], &[], false);
    let shown = answer(&mut session, "[1/2] pkg/jobs.py:27:5 CS201", "y");
    assert!(shown.contains("Accepting it also creates pkg/tasks.py"), "{shown}");
    answer(&mut session, "[2/2] pkg/jobs.py:", "n");
    let (rest, _) = finish(session);
    assert!(rest.contains("Created the shared helper module pkg/tasks.py"), "{rest}");
    assert!(read(dir.path(), "pkg/jobs.py").contains("from pkg.tasks import track_task\n"));
    assert_compiles(dir.path(), &["pkg/jobs.py", "pkg/tasks.py"]);
    let import = Command::new("python3").args(["-B", "-c", "import pkg.jobs"]).current_dir(dir.path()).status().unwrap();
    assert!(import.success());
    // The runtime check loads the file by path: give it the package on sys.path.
    let check = Command::new("python3")
        .arg("-B")
        .arg(repo_path("tests/runtime/cs201_gc_destroys_dropped_task/check.py"))
        .arg(dir.path().join("pkg/jobs.py"))
        .env("PYTHONPATH", dir.path())
        .output()
        .unwrap();
    assert!(check.status.success(), "{}{}", text(&check.stdout), text(&check.stderr));
}

#[test]
fn without_a_terminal_it_refuses_and_points_to_diff_and_write() {
    let dir = project(&[("a.py", &consumer())]);
    let mut command = cancelsafe();
    command.args(["-i", "a.py"]);
    let output = run(command, dir.path());
    assert_eq!(code(&output), 2);
    let stderr = text(&output.stderr);
    assert!(stderr.contains("needs a terminal") && stderr.contains("--diff") && stderr.contains("--write"), "{stderr}");
    assert_eq!(read(dir.path(), "a.py"), consumer());

    let mut command = cancelsafe();
    command.args(["-i", "-"]);
    let output = run(command, dir.path());
    assert_eq!(code(&output), 2);
    assert!(text(&output.stderr).contains("standard input"), "{}", text(&output.stderr));
}

/// Two cleanup awaits on one line share one unit: each fix nests the line in it and wraps its
/// own await. The second is offered on the text the first answer left, and either can be
/// taken without the other.
#[test]
fn overlapping_fixes_are_offered_one_after_the_other() {
    let case = std::fs::read_to_string(repo_path("transforms/CS301-unshielded-cleanup-await/cases/same_line_statements.py")).unwrap();
    for (keys, flush_fixed, close_fixed) in [(["y", "n"], true, false), (["n", "y"], false, true), (["y", "y"], true, true)] {
        let dir = project(&[("same_line.py", &case)]);
        let mut session = review(dir.path(), &["same_line.py"], &[], false);
        answer(&mut session, "[1/3] same_line.py:12:14 CS301", keys[0]);
        let shown = answer(&mut session, "[2/3] same_line.py:", keys[1]);
        assert!(shown.contains("await cleanup(writer.close())"), "{keys:?}: {shown}");
        answer(&mut session, "[3/3] same_line.py:", "n");
        let (rest, _) = finish(session);
        let file = read(dir.path(), "same_line.py");
        assert_eq!(file.contains("await cleanup(writer.flush())"), flush_fixed, "{keys:?}: {rest}\n{file}");
        assert_eq!(file.contains("await cleanup(writer.close())"), close_fixed, "{keys:?}\n{file}");
        assert!(file.contains("await writer.flush(); stats.flushes += 1"), "the skipped third fix was applied:\n{file}");
        assert_compiles(dir.path(), &["same_line.py"]);
    }
}

#[test]
fn e_left_unchanged_applies_the_fix_and_a_failing_editor_applies_nothing() {
    let dir = project(&[("a.py", &consumer())]);
    let mut session = review(dir.path(), &["a.py"], &[("EDITOR", "false"), ("VISUAL", "")], false);
    answer(&mut session, "[1/2] a.py:19", "e");
    session.exp_string("The editor exited with").unwrap();
    answer(&mut session, "[1/2] a.py:19", "q");
    let (rest, _) = finish(session);
    assert!(rest.contains("Accepted 0, skipped 0, edited 0 in 1 file (0 files written)."), "{rest}");
    assert_eq!(read(dir.path(), "a.py"), consumer());

    let mut session = review(dir.path(), &["a.py"], &[("EDITOR", "true"), ("VISUAL", "")], false);
    answer(&mut session, "[1/2] a.py:19", "e");
    session.exp_string("(unchanged: the fix is applied as proposed)").unwrap();
    answer(&mut session, "[2/2] a.py:27", "n");
    let (rest, _) = finish(session);
    assert!(rest.contains("Accepted 1, skipped 1, edited 0 in 1 file (1 file written)."), "{rest}");
    assert_runtime_check_passes("cs101_return_in_handler", &dir.path().join("a.py"));
}
