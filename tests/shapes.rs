//! Shapes of code that broke fixes (issue 14), each on the real binary: the fix is applied,
//! the written file compiles under CPython, so does each finding's own fix (from `--format
//! json`) applied alone to the original, `--diff` applied with `git apply` gives exactly what
//! `--write` writes, and a second run changes nothing.

mod common;

use std::process::Command;

use common::{cmd, code, compiles, project, repo_path, run, text};

/// What `--write` did to one file, checked against `--diff`, CPython and a second run.
struct Rewrite {
    written: Vec<u8>,
    stdout: String,
}

impl Rewrite {
    fn text(&self) -> String {
        text(&self.written)
    }
}

fn rewrite(source: &[u8], args: &[&str]) -> Rewrite {
    let via_write = project(&[("case.py", source)]);
    let via_patch = project(&[("case.py", source)]);
    let write = run(cmd(&[&["--write"][..], args, &["case.py"]].concat()), via_write.path());
    assert!(matches!(code(&write), 0 | 1), "--write exited {}:\n{}{}", code(&write), text(&write.stdout), text(&write.stderr));
    let written = std::fs::read(via_write.path().join("case.py")).unwrap();
    assert_ne!(written, source, "nothing was fixed:\n{}", text(&write.stdout));
    assert!(compiles(&via_write.path().join("case.py")), "the written file does not compile:\n{}", text(&written));

    let diff = run(cmd(&[&["--diff"][..], args, &["case.py"]].concat()), via_patch.path());
    assert_eq!(code(&diff), 1, "{}", text(&diff.stderr));
    std::fs::write(via_patch.path().join("fix.patch"), &diff.stdout).unwrap();
    let apply = common::output(Command::new("git").args(["apply", "fix.patch"]).current_dir(via_patch.path()));
    assert!(apply.status.success(), "git apply rejected the --diff output:\n{}\n{}", text(&apply.stderr), text(&diff.stdout));
    assert_eq!(std::fs::read(via_patch.path().join("case.py")).unwrap(), written, "--diff + git apply differs from --write");

    // Each finding's own fix, alone on the original (tests/fuzz/check.py reads the positions
    // as cancelsafe counts them: CR, CRLF, a BOM).
    let original = project(&[("case.py", source)]);
    let json = run(cmd(&[&["--check", "--format", "json"][..], args, &["case.py"]].concat()), original.path());
    std::fs::write(original.path().join("findings.json"), &json.stdout).unwrap();
    let alone = common::output(
        Command::new("python3").arg("-B").arg(repo_path("tests/fuzz/check.py")).args(["outputs", "."]).arg(via_write.path()).arg("findings.json").current_dir(original.path()),
    );
    assert!(alone.status.success() && alone.stdout.is_empty(), "{}{}\n{}", text(&alone.stdout), text(&alone.stderr), text(&json.stdout));

    let again = run(cmd(&[&["--write"][..], args, &["case.py"]].concat()), via_write.path());
    assert!(matches!(code(&again), 0 | 1));
    assert_eq!(std::fs::read(via_write.path().join("case.py")).unwrap(), written, "a second --write changed the file");
    Rewrite { written, stdout: text(&write.stdout) }
}

fn fixed_cleanly(result: &Rewrite) {
    assert!(result.stdout.contains("0 need review"), "a leak was left:\n{}\n{}", result.stdout, result.text());
}

const TRY: &str = "import asyncio\n\n\nasync def worker(log):\n    try:\n        await asyncio.sleep(1)\n";

#[test]
fn backslash_after_a_handlers_colon() {
    let result = rewrite(format!("{TRY}    except asyncio.CancelledError: \\\n        pass\n").as_bytes(), &[]);
    fixed_cleanly(&result);
    assert!(result.text().ends_with("    except asyncio.CancelledError: \\\n        raise\n"), "{}", result.text());
    // A statement added to the suite moves it onto its own line, the continuation with it.
    let result = rewrite(format!("{TRY}    except BaseException: \\\n        log.append(1)\n").as_bytes(), &[]);
    fixed_cleanly(&result);
    assert!(result.text().ends_with("    except BaseException as exc:\n        log.append(1)\n        if isinstance(exc, asyncio.CancelledError):\n            raise\n"), "{}", result.text());
}

#[test]
fn backslash_after_a_semicolon() {
    let result = rewrite(format!("{TRY}    except BaseException:\n        x = 1; \\\n        return\n").as_bytes(), &[]);
    fixed_cleanly(&result);
    assert!(result.text().contains("        x = 1\n        if isinstance(exc, asyncio.CancelledError):\n            raise\n        return\n"), "{}", result.text());
}

#[test]
fn a_line_holding_only_a_backslash() {
    // With tabs, CPython gives the `\` line's statement another column than a plain line of
    // the same indentation: a guard beside it must not keep the `\`.
    for (outer, indent) in [("    ", "        "), ("\t", "\t\t"), ("    ", "    \t")] {
        let source = format!("import asyncio\n\n\nasync def worker(log):\n{outer}try:\n{indent}await asyncio.sleep(1)\n{outer}except BaseException:\n{indent}\\\n{indent}return\n");
        let result = rewrite(source.as_bytes(), &[]);
        fixed_cleanly(&result);
        assert!(result.text().contains(&format!("{indent}if isinstance(exc, asyncio.CancelledError):\n")), "{:?}", result.text());
    }
}

#[test]
fn parentheses_around_a_returned_value_are_kept() {
    let source = format!("{TRY}    except asyncio.CancelledError:\n        return (log.pop()\n            + log.pop())\n");
    let result = rewrite(source.as_bytes(), &["--unsafe-fixes"]);
    fixed_cleanly(&result);
    assert!(result.text().contains("        (log.pop()\n            + log.pop())\n        raise\n"), "{}", result.text());
}

#[test]
fn pass_with_a_semicolon_and_a_bare_raise_with_one() {
    let result = rewrite(format!("{TRY}    except asyncio.CancelledError:\n        pass;\n").as_bytes(), &[]);
    fixed_cleanly(&result);
    assert!(result.text().ends_with("        raise;\n"), "{}", result.text());
    // `raise;` is valid Python: a module holding it is read, and its handler is not a leak.
    let dir = project(&[("case.py", &result.written)]);
    let check = run(cmd(&["--check", "case.py"]), dir.path());
    assert_eq!(code(&check), 0, "{}{}", text(&check.stdout), text(&check.stderr));
}

#[test]
fn a_form_feed_is_not_taken_as_indentation() {
    let source = format!("{TRY}    except BaseException:\n\x0c        log.append(1)\n");
    let result = rewrite(source.as_bytes(), &[]);
    fixed_cleanly(&result);
    assert!(result.text().contains("\x0c        log.append(1)\n        if isinstance(exc, asyncio.CancelledError):\n"), "{:?}", result.text());
}

#[test]
fn parenthesised_except_types() {
    for clause in ["(BaseException)", "(asyncio.CancelledError, ValueError)", "((ValueError, BaseException))", "(\n        asyncio.CancelledError,  # ours: yes\n    )"] {
        let source = format!("{TRY}    except {clause}:\n        log.append(1)\n");
        let result = rewrite(source.as_bytes(), &[]);
        fixed_cleanly(&result);
        assert!(result.text().contains(&format!("except {clause} as exc:")) || result.text().contains("        raise\n"), "{}", result.text());
    }
}

#[test]
fn a_suppress_header_with_comments_and_colons_in_them() {
    let source = "import asyncio\nimport contextlib\n\n\nasync def worker(job):\n    with contextlib.suppress(  # note: see below\n        asyncio.CancelledError,  # why: ours\n    ):  # done: yes\n        await job()\n";
    let result = rewrite(source.as_bytes(), &[]);
    fixed_cleanly(&result);
    let fixed = result.text();
    for comment in ["# note: see below", "# why: ours", "# done: yes"] {
        assert!(fixed.contains(comment), "comment {comment:?} dropped:\n{fixed}");
    }
    assert!(fixed.contains("    try:  # done: yes\n        await job()\n    except asyncio.CancelledError:\n"), "{fixed}");
}

#[test]
fn nine_nested_handlers_need_nine_passes() {
    let mut source = String::from("import asyncio\n\n\nasync def worker(log):\n");
    for level in 0..9 {
        let indent = "    ".repeat(level + 1);
        source.push_str(&format!("{indent}try:\n{indent}    await asyncio.sleep(1)\n{indent}except asyncio.CancelledError:\n{indent}    log.append({level})\n"));
    }
    let result = rewrite(source.as_bytes(), &[]);
    fixed_cleanly(&result);
    assert_eq!(result.text().matches("raise\n").count(), 9, "{}", result.text());
}

#[test]
fn a_module_with_its_own_cancelled_error_class() {
    let source = "import asyncio\nfrom asyncio import CancelledError\n\n\nclass CancelledError(Exception):\n    pass\n\n\nasync def worker(log):\n    try:\n        await asyncio.sleep(1)\n    except BaseException:\n        log.append(1)\n";
    let result = rewrite(source.as_bytes(), &[]);
    fixed_cleanly(&result);
    let fixed = result.text();
    assert!(fixed.contains("isinstance(exc, asyncio.CancelledError)"), "the guard tests the module's own class:\n{fixed}");
    assert_eq!(fixed.matches("isinstance(").count(), 1, "{fixed}");
}

#[test]
fn lone_cr_line_endings() {
    let source = format!("{TRY}    except asyncio.CancelledError:\n        pass\n").replace('\n', "\r");
    let result = rewrite(source.as_bytes(), &[]);
    fixed_cleanly(&result);
    assert!(!result.text().contains('\n'), "a LF was inserted: {:?}", result.text());
}

/// The line numbers a reason names count lone-CR line ends too (they counted only LF).
#[test]
fn reasons_name_lines_in_a_lone_cr_file() {
    let source = "import asyncio\n\n\nasync def stop(playback):\n    try:\n        await asyncio.sleep(1)\n    except asyncio.CancelledError:\n        pass\n\n\nasync def start(playback):\n    task = asyncio.create_task(stop(playback))\n    await asyncio.wait([task])\n    return task.result()\n".replace('\n', "\r");
    let dir = project(&[("case.py", source.as_bytes())]);
    let output = run(cmd(&["--check", "--format", "concise", "case.py"]), dir.path());
    let stdout = text(&output.stdout);
    assert!(stdout.contains("case.py:7:5: CS101") && stdout.contains("`start()` (line 14)"), "{stdout}");
}

#[test]
fn a_bom_and_a_hunk_on_line_1() {
    let source = "\u{feff}import asyncio\nasync def f():\n    try:\n        await asyncio.sleep(1)\n    except asyncio.CancelledError:\n        pass\n";
    let result = rewrite(source.as_bytes(), &[]);
    fixed_cleanly(&result);
    assert!(result.written.starts_with("\u{feff}import asyncio\n".as_bytes()));
}

#[test]
fn a_bom_and_an_import_inserted_above_line_1() {
    // The fix adds `import asyncio` above the first line: the BOM goes with the new first line,
    // and the old one loses it (the diff removes it with the BOM and adds it without).
    let source = "\u{feff}from asyncio import CancelledError\n\nasync def f(t):\n    t.cancel()\n    try:\n        await t\n    except CancelledError:\n        pass\n";
    let result = rewrite(source.as_bytes(), &[]);
    fixed_cleanly(&result);
    assert!(result.written.starts_with("\u{feff}import asyncio\n".as_bytes()), "{}", result.text());
    assert_eq!(result.text().matches('\u{feff}').count(), 1, "{}", result.text());
}

#[test]
fn trailing_whitespace_after_a_statement_a_fix_lays_out_again() {
    // The wrapped call is laid out over three lines; the space after it stays where it was.
    let source = "import asyncio\n\nasync def f():\n    asyncio.create_task(asyncio.sleep(0, \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\")) \n";
    let result = rewrite(source.as_bytes(), &[]);
    fixed_cleanly(&result);
    assert!(result.text().contains("_track_task(\n"), "{}", result.text());
}

#[test]
fn a_helper_goes_below_an_import_that_follows_other_code() {
    // `x = 1` before `import asyncio`: the task-tracking helper's `set[asyncio.Task]` is
    // evaluated at import time, so it must come after the import.
    let source = "x = 1\nimport asyncio\n\nasync def f():\n    asyncio.create_task(asyncio.sleep(0))\n";
    let result = rewrite(source.as_bytes(), &[]);
    fixed_cleanly(&result);
    let dir = project(&[("case.py", &result.written)]);
    let imported = common::output(Command::new("python3").args(["-B", "-c", "import case"]).current_dir(dir.path()));
    assert!(imported.status.success(), "the fixed module does not import:\n{}\n{}", text(&imported.stderr), result.text());
}

#[test]
fn code_added_after_a_docstring_that_a_semicolon_follows() {
    // CS301's helper needs three imports, all added at the `;`: they are insertions at one
    // point (they were three replacements of the `; `, which collided: the fix was never applied).
    let source = "\"\"\"Doc.\"\"\"; import asyncio\n\nasync def f(log):\n    try:\n        await asyncio.sleep(0)\n    finally:\n        await log.close()\n";
    let result = rewrite(source.as_bytes(), &[]);
    fixed_cleanly(&result);
    assert!(result.text().contains("import logging\n"), "{}", result.text());
}

#[test]
fn a_global_declaration_of_the_name_a_fix_would_bind() {
    let source = format!("{TRY}    except BaseException:\n        log.append(1)\n    global exc\n");
    // (Unsafe only because the analysis counts `global` as code the re-raise skips.)
    let result = rewrite(source.as_bytes(), &["--unsafe-fixes"]);
    fixed_cleanly(&result);
    assert!(result.text().contains("except BaseException as exc_1:"), "{}", result.text());
}

#[test]
fn a_fix_that_would_cross_cpythons_block_limit_is_not_applied_and_the_rest_are() {
    // 19 loops, then `try`/`finally` (20 blocks in each part; CPython allows 20). CS301's fix
    // puts a `with` block around the cleanup in the `finally`: 21.
    let mut source = String::from("import asyncio\n\n\nasync def deep(log):\n");
    for level in 0..19 {
        source.push_str(&format!("{}for _ in log:\n", "    ".repeat(level + 1)));
    }
    let indent = "    ".repeat(20);
    source.push_str(&format!("{indent}try:\n{indent}    await asyncio.sleep(1)\n{indent}finally:\n{indent}    await log.aclose()\n"));
    source.push_str(&format!("\n\nasync def shallow(log):\n    try:\n        await asyncio.sleep(1)\n    except asyncio.CancelledError:\n        log.append(1)\n"));
    let dir = project(&[("case.py", source.as_bytes())]);
    let output = run(cmd(&["--write", "--unsafe-fixes", "case.py"]), dir.path());
    let stdout = text(&output.stdout);
    assert_eq!(code(&output), 1, "the refused fix leaves its finding:\n{stdout}");
    assert!(stdout.contains("CS301") && stdout.contains("it would cross a limit of CPython's: too many statically nested blocks"), "{stdout}");
    assert!(!stdout.contains("please report"), "a limit is not a bug:\n{stdout}");
    let fixed = std::fs::read_to_string(dir.path().join("case.py")).unwrap();
    assert!(compiles(&dir.path().join("case.py")), "{fixed}");
    assert!(fixed.ends_with("        log.append(1)\n        raise\n"), "the other fixes are applied:\n{fixed}");
}

#[test]
fn nesting_too_deep_for_any_walk_is_an_error_for_that_file_only() {
    let deep = format!("import asyncio\nx = {}1\n", "-".repeat(200_000));
    let dir = project(&[("a_deep.py", deep.as_bytes()), ("b_leaky.py", format!("{TRY}    except asyncio.CancelledError:\n        pass\n").as_bytes())]);
    let output = run(cmd(&["--check", "."]), dir.path());
    assert_eq!(code(&output), 2, "{}", text(&output.stderr));
    let stderr = text(&output.stderr);
    assert!(stderr.contains("a_deep.py:2:") && stderr.contains("nested too deeply"), "{stderr}");
    assert!(text(&output.stdout).contains("b_leaky.py:7:5: CS101"), "the run goes on:\n{}", text(&output.stdout));
    let output = run(cmd(&["--check", "a_deep.py"]), dir.path());
    assert_eq!(code(&output), 2);
    assert_eq!(text(&output.stdout), "No file could be checked.\n", "no summary about files that failed");
}

/// Every kind of deep nesting the parser accepts, each just within the limit, beside a leak:
/// the walks of the rules, the fixes, the verify step and the second pass all run on it without
/// running out of stack, on the main thread (one file, standard input) and on the workers.
#[test]
fn nesting_just_within_the_limit_is_checked_and_fixed_without_running_out_of_stack() {
    let deep = [
        format!("x = {}1", "-".repeat(9_900)),
        format!("y = {}1{}", "(".repeat(2_400), ")".repeat(2_400)),
        format!("z = {}{}", "[".repeat(2_400), "]".repeat(2_400)),
        format!("w = {}", vec!["1"; 9_900].join(" + ")),
        format!("v = {}b", "a.".repeat(9_000)),
        format!("u = {}{}", "f(".repeat(2_000), ")".repeat(2_000)),
        format!("t = {}x", "not ".repeat(9_000)),
        format!("s = {}1", "lambda: ".repeat(3_000)),
    ];
    let source = format!("import asyncio\n{}\n\n\nasync def worker(log):\n    try:\n        await asyncio.sleep(1)\n    except asyncio.CancelledError:\n        log.append(1)\n", deep.join("\n"));
    let fixed_tail = "        log.append(1)\n        raise\n";
    let dir = project(&[("a.py", source.as_bytes()), ("b.py", source.as_bytes())]);

    let output = run(cmd(&["--write", "a.py"]), dir.path());
    assert_eq!(code(&output), 0, "{}", text(&output.stderr));
    assert!(std::fs::read_to_string(dir.path().join("a.py")).unwrap().ends_with(fixed_tail));

    std::fs::write(dir.path().join("a.py"), &source).unwrap();
    let output = run(cmd(&["--write", "a.py", "b.py"]), dir.path());
    assert_eq!(code(&output), 0, "{}", text(&output.stderr));
    for name in ["a.py", "b.py"] {
        assert!(std::fs::read_to_string(dir.path().join(name)).unwrap().ends_with(fixed_tail), "{name} is fixed");
    }

    let output = common::output_with_input(cmd(&["--diff", "-"]).current_dir(dir.path()), Some(source.as_bytes()));
    assert_eq!(code(&output), 1, "{}", text(&output.stderr));
    assert!(text(&output.stdout).contains("+        raise\n"), "{}", text(&output.stdout));
}
