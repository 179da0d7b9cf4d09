//! Fuzzing the rewrite on inputs nobody wrote: modules generated from leak shapes (every rule,
//! every handler exit, nested handlers, loops) combined with awkward but valid syntax
//! (backslash continuations, `;`, one-line suites, form feeds, tabs, mixed tabs and spaces,
//! CRLF and lone-CR line endings, a BOM, comments in headers, parenthesised except types, a
//! module's own `class CancelledError`, `global` of names a fix would pick, names the helpers
//! import bound to something else (`logging = logging.getLogger(…)`), nesting near
//! CPython's limits). For every generated module that CPython compiles:
//!
//! - `--diff` applies with `git apply` and gives exactly what `--write` writes;
//! - every written file compiles (python3's `compile()`, one process for the batch);
//! - each finding's own fix (from `--format json`), applied alone, compiles;
//! - a second `--write` changes nothing;
//! - no fix is refused except for a limit of CPython's (any other refusal is a bug in a fix).
//!
//! `cargo test --test fuzz` runs 400 modules; `CANCELSAFE_FUZZ_CASES=20000` (and
//! `CANCELSAFE_FUZZ_SEED=n`) runs more (the longer runs made so far: docs/testing.md). A
//! failing run keeps its folder and names it; `CANCELSAFE_FUZZ_KEEP=1` keeps it anyway.

mod common;

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use common::{cancelsafe, code, output_within, repo_path, text};

const DEFAULT_CASES: usize = 400;

/// xorshift64*: small, deterministic, good enough to pick shapes.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// True `percent` times in a hundred.
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<'a>(&mut self, options: &[&'a str]) -> &'a str {
        options[self.below(options.len())]
    }
}

/// How one module is written.
struct Style {
    /// Indentation of each level, cycled: ["    "], ["\t"], ["\t", "    "] (mixed, consistent).
    levels: Vec<&'static str>,
    newline: &'static str,
    bom: bool,
    /// Some lines end in blanks.
    trailing_blanks: bool,
    form_feeds: bool,
}

impl Style {
    fn indent(&self, depth: usize) -> String {
        (0..depth).map(|level| self.levels[level % self.levels.len()]).collect()
    }
}

/// The spellings a module uses.
struct Names {
    asyncio: &'static str,
    /// How `except` clauses name asyncio's CancelledError.
    cancelled: String,
    contextlib: &'static str,
}

/// Lines of code: (depth, text); a text may hold `\n` for continuation lines inside brackets.
type Lines = Vec<(usize, String)>;

/// The depth of a line written as it is, without indentation.
const RAW: usize = usize::MAX;

struct Generator {
    rng: Rng,
    names: Names,
    counter: usize,
}

impl Generator {
    fn fresh(&mut self, base: &str) -> String {
        self.counter += 1;
        format!("{base}{}", self.counter)
    }

    /// A header's end: `:`, a comment with a colon in it, or a backslash continuation.
    fn colon(&mut self) -> &'static str {
        self.rng.pick(&[":", ":", ":", ":  # note: see below", ": \\", ":# why: because"])
    }

    fn except_type(&mut self) -> String {
        let ce = self.names.cancelled.clone();
        let a = self.names.asyncio;
        match self.rng.below(11) {
            0 => format!(" ({ce})"),
            1 => format!(" ({ce},)"),
            2 => format!(" ({ce}, ValueError)"),
            3 => " BaseException".to_string(),
            4 => " (BaseException)".to_string(),
            5 => String::new(),
            6 => " (ValueError, BaseException)".to_string(),
            7 => format!(" {a}.exceptions.CancelledError"),
            8 => format!(" (\n    {ce},  # the cancel: ours\n)"),
            _ => format!(" {ce}"),
        }
    }

    /// The body of a handler that swallows: at least one statement, ending in an exit.
    fn swallowing_body(&mut self, in_loop: bool) -> Lines {
        let a = self.names.asyncio;
        let mut lines: Lines = Vec::new();
        if self.rng.chance(40) {
            lines.push((0, self.rng.pick(&["log.append('stop')", "log.append(1); log.append(2)", "x = 1", "print('x',\n  'y')"]).to_string()));
        }
        let exit = match self.rng.below(if in_loop { 21 } else { 19 }) {
            0 => "pass".to_string(),
            1 => "pass;".to_string(),
            2 => "return".to_string(),
            3 => "return None".to_string(),
            4 => "return 1".to_string(),
            5 => "return (\n    1 +\n    2\n)".to_string(),
            6 => format!("return (await {a}.sleep(0))"),
            7 => "x = 1; \\\nreturn".to_string(),
            8 => {
                lines.push((0, "\\".to_string()));
                "return".to_string()
            }
            9 => "if log:\n    return\nlog.append(3)".to_string(),
            10 => "raise ValueError('converted') from None".to_string(),
            11 => "log.append('fell through')".to_string(),
            12 => "return log[\n    0]".to_string(),
            13 => "if log: return".to_string(),
            14 => "...".to_string(),
            15 => "pass  # fine: ok".to_string(),
            16 => "log.append(\"\"\"a\n  b: c\"\"\")".to_string(),
            17 => "def inner():\n    return 1\nreturn inner".to_string(),
            18 => {
                // A comment at column 0 and a blank line of blanks inside the handler.
                lines.push((RAW, "# a comment: at column 0".to_string()));
                lines.push((RAW, " \t ".to_string()));
                "return".to_string()
            }
            19 => "break".to_string(),
            _ => "continue".to_string(),
        };
        // Multi-line exits are split into lines at the handler's depth (an `if` nests).
        for line in exit.split('\n') {
            let depth = line.len() - line.trim_start().len();
            lines.push((depth / 4, line.trim_start().to_string()));
        }
        lines
    }

    /// `except*` (3.11): a group handler that swallows the cancellation.
    fn group_handler(&mut self) -> Lines {
        let a = self.names.asyncio;
        let ce = self.names.cancelled.clone();
        let name = self.rng.pick(&["", " as eg"]);
        vec![(0, "try:".to_string()), (1, format!("await {a}.sleep(0)")), (0, format!("except* {ce}{name}:")), (1, "log.append('group')".to_string())]
    }

    /// A handler in a `try` with `else` and `finally`, in a decorated method of a class.
    fn method_handler(&mut self) -> Lines {
        let a = self.names.asyncio;
        let mut lines: Lines = vec![(0, "class Worker:".to_string()), (1, "@staticmethod".to_string()), (1, "async def run(log):".to_string())];
        let mut body = self.handler();
        let has_finally = body.iter().any(|(_, text)| text == "finally:");
        if body.first().is_some_and(|(_, text)| text == "try:") && !has_finally && self.rng.chance(50) {
            body.push((0, "else:".to_string()));
            body.push((1, format!("await {a}.sleep(0)")));
        }
        lines.extend(body.into_iter().map(|(depth, text)| (if depth == RAW { RAW } else { depth + 2 }, text)));
        lines.push((0, "async def use(log):".to_string()));
        lines.push((1, "await Worker.run(log)".to_string()));
        lines
    }

    /// `try: await …` with a handler that swallows, maybe inside a loop.
    fn handler(&mut self) -> Lines {
        let a = self.names.asyncio;
        let in_loop = self.rng.chance(25);
        let mut lines: Lines = Vec::new();
        let base = usize::from(in_loop);
        if in_loop {
            lines.push((0, self.rng.pick(&["while log:", "for _ in range(3):", "async for _ in source():"]).to_string()));
        }
        lines.push((base, "try:".to_string()));
        lines.push((base + 1, format!("await {a}.sleep(0)")));
        let name = if self.rng.chance(30) { " as e" } else { "" };
        let type_ = self.except_type();
        let name = if type_.is_empty() { "" } else { name };
        let body = self.swallowing_body(in_loop);
        // Only a simple statement may share its header's line (or continue it with `\`).
        let simple = body.len() == 1 && !body[0].1.starts_with("if ") && !body[0].1.starts_with("def ");
        let colon = match self.colon() {
            ": \\" if !simple => ":",
            colon => colon,
        };
        if self.rng.chance(15) && simple && !body[0].1.contains('\\') && colon == ":" {
            // A one-line suite: `except X: pass`.
            lines.push((base, format!("except{type_}{name}: {}", body[0].1)));
        } else {
            lines.push((base, format!("except{type_}{name}{colon}")));
            lines.extend(body.into_iter().map(|(depth, text)| (if depth == RAW { RAW } else { base + 1 + depth }, text)));
        }
        if self.rng.chance(10) {
            lines.push((base, "finally:".to_string()));
            lines.push((base + 1, format!("await {a}.sleep(0)")));
        }
        lines
    }

    /// Handlers nested in handlers: each level needs a pass of its own.
    fn nested_handlers(&mut self) -> Lines {
        let a = self.names.asyncio;
        let ce = self.names.cancelled.clone();
        let levels = 2 + self.rng.below(8);
        let mut lines: Lines = Vec::new();
        for level in 0..levels {
            lines.push((level, "try:".to_string()));
            lines.push((level + 1, format!("await {a}.sleep(0)")));
            lines.push((level, format!("except {ce}:")));
            lines.push((level + 1, "log.append('level')".to_string()));
        }
        lines
    }

    fn foreign_cancel(&mut self) -> Lines {
        let a = self.names.asyncio;
        let ce = self.names.cancelled.clone();
        let t = self.fresh("task");
        let colon = self.colon();
        vec![
            (0, format!("{t} = {a}.ensure_future({a}.sleep(1))")),
            (0, format!("{t}.cancel()")),
            (0, "try:".to_string()),
            (1, format!("await {t}")),
            (0, format!("except {ce}{colon}")),
            (1, self.rng.pick(&["pass", "pass;", "log.append('child stopped')"]).to_string()),
        ]
    }

    fn cancelled_awaited(&mut self) -> Lines {
        let a = self.names.asyncio;
        let t = self.fresh("task");
        let tail = self.rng.pick(&["", "  # wait for it: done", "; log.append(1)"]);
        vec![(0, format!("{t} = {a}.ensure_future({a}.sleep(1))")), (0, format!("{t}.cancel()")), (0, format!("await {t}{tail}"))]
    }

    fn suppress(&mut self) -> Lines {
        let a = self.names.asyncio;
        let ce = self.names.cancelled.clone();
        let cl = self.names.contextlib;
        let header = match self.rng.below(4) {
            0 => format!("with {cl}.suppress({ce}):  # note: ignore"),
            1 => format!("with {cl}.suppress(  # why: see\n    {ce},  # ours: yes\n):"),
            2 => format!("with {cl}.suppress({ce}): \\"),
            _ => format!("with {cl}.suppress({ce}):"),
        };
        vec![(0, header), (1, format!("await {a}.sleep(0)"))]
    }

    fn dropped_task(&mut self) -> Lines {
        let a = self.names.asyncio;
        let call = match self.rng.below(5) {
            0 => format!("{a}.create_task({a}.sleep(0))"),
            1 => format!("{a}.get_running_loop().create_task({a}.sleep(0))"),
            2 => format!("x = 1; {a}.create_task({a}.sleep(0))"),
            3 => format!("{a}.ensure_future(\n    {a}.sleep(0))  # spawn: later"),
            _ => format!("unused = {a}.create_task({a}.sleep(0))"),
        };
        vec![(0, call)]
    }

    fn cleanup(&mut self) -> Lines {
        let a = self.names.asyncio;
        match self.rng.below(4) {
            0 => vec![(0, "try:".to_string()), (1, format!("await {a}.sleep(0)")), (0, "finally: await log.flush()".to_string())],
            1 => vec![(0, "try:".to_string()), (1, format!("await {a}.sleep(0)")), (0, "finally:".to_string()), (1, "x = 1; await log.flush()".to_string())],
            2 => vec![
                (0, "try:".to_string()),
                (1, format!("await {a}.sleep(0)")),
                (0, "finally:".to_string()),
                (1, "await log.close(  # close: now\n    0)".to_string()),
                (1, "await log.flush(); log.clear()".to_string()),
            ],
            _ => {
                let ce = self.names.cancelled.clone();
                vec![(0, "try:".to_string()), (1, format!("await {a}.sleep(0)")), (0, format!("except {ce}:")), (1, "await log.flush()".to_string()), (1, "raise".to_string())]
            }
        }
    }

    /// One leak shape, sometimes buried under blocks to near CPython's limits.
    fn shape(&mut self) -> Lines {
        let mut lines = match self.rng.below(11) {
            9 => self.group_handler(),
            10 => self.method_handler(),
            0 | 1 | 2 => self.handler(),
            3 => self.nested_handlers(),
            4 => self.foreign_cancel(),
            5 => self.cancelled_awaited(),
            6 => self.suppress(),
            7 => self.dropped_task(),
            _ => self.cleanup(),
        };
        if self.rng.chance(8) {
            // Static blocks: 15–18 loops around the shape; its own try and handler add more.
            let loops = 15 + self.rng.below(4);
            let mut buried: Lines = (0..loops).map(|depth| (depth, "for _ in log:".to_string())).collect();
            buried.extend(lines.into_iter().map(|(depth, text)| (if depth == RAW { RAW } else { depth + loops }, text)));
            lines = buried;
        } else if self.rng.chance(4) {
            // Indentation: `if` nests no block, only indentation levels (CPython allows 99).
            let ifs = 86 + self.rng.below(8);
            let mut buried: Lines = (0..ifs).map(|depth| (depth, "if log:".to_string())).collect();
            buried.extend(lines.into_iter().map(|(depth, text)| (if depth == RAW { RAW } else { depth + ifs }, text)));
            lines = buried;
        }
        lines
    }

    fn function(&mut self, index: usize) -> Lines {
        let mut lines: Lines = vec![(0, format!("async def job_{index}(log, source=None):"))];
        if self.rng.chance(20) {
            lines.push((1, "\"\"\"A job: it may be cancelled.\"\"\"".to_string()));
        }
        lines.extend(self.shape().into_iter().map(|(depth, text)| (if depth == RAW { RAW } else { depth + 1 }, text)));
        if self.rng.chance(15) {
            // A name a fix might pick, declared global after the code the fix touches.
            let name = self.rng.pick(&["exc", "cancels_before", "_track_task", "_background_tasks"]);
            lines.push((1, format!("global {name}")));
        }
        if self.rng.chance(10) {
            lines.push((1, "if False:".to_string()));
            lines.push((2, "raise;".to_string()));
        }
        lines
    }
}

/// One generated module, as bytes.
fn module(seed: u64) -> Vec<u8> {
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let style = Style {
        levels: match rng.below(10) {
            0 | 1 => vec!["\t"],
            2 => vec!["  "],
            3 => vec!["\t", "    "],
            4 => vec!["    ", "\t"],
            _ => vec!["    "],
        },
        newline: match rng.below(12) {
            0 => "\r\n",
            1 => "\r",
            _ => "\n",
        },
        bom: rng.chance(6),
        form_feeds: rng.chance(12),
        trailing_blanks: rng.chance(10),
    };
    let alias = rng.chance(15);
    let from_import = rng.chance(20);
    let shadow = rng.chance(12);
    let asyncio = if alias { "aio" } else { "asyncio" };
    let cancelled = if from_import && !shadow { "CancelledError".to_string() } else { format!("{asyncio}.CancelledError") };
    let contextlib = if rng.chance(20) { "ctx" } else { "contextlib" };
    let mut generator = Generator { rng, names: Names { asyncio, cancelled, contextlib }, counter: 0 };
    let rng = &mut generator.rng;

    let mut lines: Lines = Vec::new();
    if rng.chance(10) {
        lines.push((0, "# -*- coding: utf-8 -*-".to_string()));
    }
    // A docstring a `;` joins to the first import: code a fix adds goes after the `;`.
    let docstring = rng.chance(30).then(|| "\"\"\"A generated module.\"\"\"".to_string());
    let joined = docstring.is_some() && rng.chance(25);
    if let (Some(docstring), false) = (&docstring, joined) {
        lines.push((0, docstring.clone()));
    }
    if rng.chance(20) {
        lines.push((0, "from __future__ import annotations".to_string()));
    }
    // Code before the imports: a helper a fix adds must still come after the import it uses.
    if rng.chance(10) {
        lines.push((0, "VERSION = 1".to_string()));
    }
    let import = if alias { "import asyncio as aio".to_string() } else { "import asyncio".to_string() };
    lines.push((0, match (&docstring, joined) {
        (Some(docstring), true) => format!("{docstring}; {import}"),
        _ => import,
    }));
    if from_import {
        lines.push((0, "from asyncio import CancelledError".to_string()));
    }
    lines.push((0, if contextlib == "ctx" { "import contextlib as ctx".to_string() } else { "import contextlib".to_string() }));
    // A name the fixes' helpers import, bound to something else: they import it under a fresh name.
    match generator.rng.below(20) {
        0 => lines.extend([(0, "import logging".to_string()), (0, "logging = logging.getLogger(__name__)".to_string())]),
        1 => lines.push((0, "sys = None".to_string())),
        2 => lines.extend([(0, "if False:".to_string()), (1, "import gc".to_string())]),
        _ => {}
    }
    if shadow {
        lines.push((0, "class CancelledError(Exception):".to_string()));
        lines.push((1, "pass".to_string()));
    }
    let functions = 1 + generator.rng.below(3);
    for index in 0..functions {
        lines.push((0, String::new()));
        lines.extend(generator.function(index));
    }
    if generator.rng.chance(15) {
        lines.push((0, format!("{asyncio}.ensure_future({asyncio}.sleep(0))  # at import: dropped")));
    }

    let mut out = String::new();
    if style.bom {
        out.push('\u{feff}');
    }
    let rng = &mut generator.rng;
    for (depth, line) in lines {
        if line.is_empty() || depth == RAW {
            out.push_str(&line);
            out.push_str(style.newline);
            continue;
        }
        if style.form_feeds && rng.chance(15) {
            out.push('\x0c');
        }
        let indent = style.indent(depth);
        out.push_str(&indent);
        // Continuation lines inside brackets: any blanks do, tabs and spaces mixed.
        let continuation = format!("{}{indent}{}", style.newline, rng.pick(&["  ", "\t", " \t "]));
        out.push_str(&line.replace('\n', &continuation));
        // Trailing blanks (never after a backslash, which must end its line).
        if style.trailing_blanks && !line.ends_with('\\') && rng.chance(10) {
            out.push_str(rng.pick(&[" ", "\t", "  "]));
        }
        out.push_str(style.newline);
    }
    out.into_bytes()
}

fn cases() -> usize {
    std::env::var("CANCELSAFE_FUZZ_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(DEFAULT_CASES)
}

fn seed() -> u64 {
    std::env::var("CANCELSAFE_FUZZ_SEED").ok().and_then(|n| n.parse().ok()).unwrap_or(1)
}

const SLOW: Duration = Duration::from_secs(60 * 60);

fn python(args: &[&str], dir: &Path) -> String {
    let output = output_within(Command::new("python3").arg("-B").arg(repo_path("tests/fuzz/check.py")).args(args).current_dir(dir), None, SLOW);
    assert!(output.status.success(), "check.py failed:\n{}", text(&output.stderr));
    text(&output.stdout)
}

fn tool(args: &[&str], dir: &Path) -> std::process::Output {
    let mut command = cancelsafe();
    command.args(args).arg(".").current_dir(dir);
    output_within(&mut command, None, SLOW)
}

fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "py"))
        .map(|path| (path.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read(&path).unwrap()))
        .collect();
    files.sort();
    files
}

#[test]
fn generated_modules_are_rewritten_into_code_python_accepts() {
    let work = common::tempdir();
    let folders = ["original", "written", "patched"].map(|name| work.path().join(name));
    for folder in &folders {
        std::fs::create_dir_all(folder).unwrap();
    }
    let [original, written, patched] = &folders;
    let (count, seed) = (cases(), seed());
    for index in 0..count {
        std::fs::write(original.join(format!("case_{index:05}.py")), module(seed * 1_000_003 + index as u64)).unwrap();
    }
    // The generator aims at valid code; what CPython refuses is not an input.
    let invalid: Vec<String> = python(&["originals", "."], original).lines().map(str::to_string).collect();
    std::fs::create_dir_all(work.path().join("invalid")).unwrap();
    for name in &invalid {
        std::fs::rename(original.join(name), work.path().join("invalid").join(name)).unwrap();
    }
    if invalid.len() * 20 >= count {
        let kept = work.keep();
        panic!("{} of {count} generated modules do not compile (in {}), e.g. {:?}", invalid.len(), kept.display(), &invalid[..invalid.len().min(5)]);
    }
    for (name, bytes) in snapshot(original) {
        std::fs::write(written.join(&name), &bytes).unwrap();
        std::fs::write(patched.join(&name), &bytes).unwrap();
    }

    let mut problems = String::new();
    let args = ["--unsafe-fixes", "--format", "concise"];
    let diff = tool(&[&["--diff"][..], &args].concat(), patched);
    let write = tool(&[&["--write"][..], &args].concat(), written);
    for (what, run) in [("--diff", &diff), ("--write", &write)] {
        if !matches!(code(run), 0 | 1) {
            let _ = writeln!(problems, "{what} exited {}:\n{}", code(run), text(&run.stderr));
        }
    }
    std::fs::write(work.path().join("fix.patch"), &diff.stdout).unwrap();
    let apply = common::output(Command::new("git").args(["apply", "--whitespace=nowarn", "../fix.patch"]).current_dir(patched));
    if !apply.status.success() {
        let _ = writeln!(problems, "git apply rejected the --diff output:\n{}", text(&apply.stderr));
    } else {
        for ((name, by_patch), (_, by_write)) in snapshot(patched).iter().zip(snapshot(written).iter()) {
            if by_patch != by_write {
                let _ = writeln!(problems, "{name}: --diff + git apply differs from --write");
            }
        }
    }
    // Refusals: only CPython's limits may stop a fix; anything else is a bug in a fix.
    for line in text(&write.stdout).lines().chain(text(&diff.stdout).lines()) {
        if line.contains("the fix was not applied") && !line.contains("a limit of CPython's") {
            let _ = writeln!(problems, "a fix was refused: {line}");
        }
    }

    let json = tool(&["--check", "--unsafe-fixes", "--format", "json"], original);
    std::fs::write(work.path().join("findings.json"), &json.stdout).unwrap();
    for line in python(&["outputs", ".", "../written", "../findings.json"], original).lines() {
        let _ = writeln!(problems, "{line}");
    }

    // Every fix a finding offers as applicable was applied: none is left in the written files
    // (a fix whose edits collide was shown as safe and silently never applied).
    let left = tool(&["--check", "--unsafe-fixes", "--format", "json"], written);
    let unapplied = text(&left.stdout).matches("\"applies\": true").count();
    if unapplied > 0 {
        let _ = writeln!(problems, "{unapplied} fixes offered as applicable were not applied by --write:\n{}", text(&left.stdout));
    }

    let before = snapshot(written);
    let again = tool(&[&["--write"][..], &args].concat(), written);
    for ((name, first), (_, second)) in before.iter().zip(snapshot(written).iter()) {
        if first != second {
            let _ = writeln!(problems, "{name}: a second --write changed the file again");
        }
    }
    if !matches!(code(&again), 0 | 1) {
        let _ = writeln!(problems, "the second --write exited {}:\n{}", code(&again), text(&again.stderr));
    }

    if !problems.is_empty() {
        let kept = work.keep();
        panic!("{} generated modules (seed {seed}) in {}:\n{problems}", count - invalid.len(), kept.display());
    }
    if std::env::var_os("CANCELSAFE_FUZZ_KEEP").is_some() {
        eprintln!("fuzz: kept {}", work.keep().display());
    }
    let stdout = text(&write.stdout);
    let summary = stdout.lines().find(|line| line.starts_with("Found ") || line.starts_with("No ")).unwrap_or_default().to_string();
    let refused = stdout.matches("a limit of CPython's").count();
    eprintln!(
        "fuzz: {} generated modules rewritten cleanly ({} not valid Python, skipped); --write: {summary}; {refused} fixes refused for crossing a limit of CPython's",
        count - invalid.len(),
        invalid.len()
    );
}
