//! The verify step's model of CPython's compiler (`cancelsafe::engine::cpython_refuses`)
//! against CPython itself: generated modules near its limits (static blocks, indentation,
//! brackets), with tabs and spaces mixed and lines holding only `\`, `global` after a use and
//! `await` outside `async def`. Wherever ruff's parser accepts a module, cancelsafe must say
//! "CPython refuses this" exactly when python3's `compile()` does.

mod common;

use std::fmt::Write as _;
use std::process::Command;

use cancelsafe::engine::cpython_refuses;

struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

/// Statements nested `depth` deep from here, one kind of block per level.
fn nest(rng: &mut Rng, out: &mut String, indent: &dyn Fn(usize) -> String, level: usize, depth: usize, in_async: bool) {
    let here = indent(level);
    if depth == 0 {
        let leaf = match rng.below(6) {
            0 if in_async => "await x",
            1 => "global g",
            2 => "y = g",
            _ => "pass",
        };
        let _ = writeln!(out, "{here}{leaf}");
        return;
    }
    // Of a statement's suites one, picked at random, goes on deeper; the others hold `pass`.
    let deep = rng.below(4);
    let mut suite = 0;
    let mut inner = |rng: &mut Rng, out: &mut String, depth: usize| {
        let this = suite;
        suite += 1;
        nest(rng, out, indent, level + 1, if this == deep || this == 0 && deep >= 2 { depth } else { 0 }, in_async);
    };
    match rng.below(if in_async { 12 } else { 10 }) {
        0 => {
            let _ = writeln!(out, "{here}for a in b:");
            inner(rng, out, depth - 1);
        }
        1 => {
            let _ = writeln!(out, "{here}while a:");
            inner(rng, out, depth - 1);
            let _ = writeln!(out, "{here}else:");
            inner(rng, out, depth - 1);
        }
        2 => {
            let items = ["a", "a, b", "a as c, b as d, e"][rng.below(3)];
            let _ = writeln!(out, "{here}with {items}:");
            inner(rng, out, depth - 1);
        }
        3 => {
            let _ = writeln!(out, "{here}try:");
            inner(rng, out, depth - 1);
            let _ = writeln!(out, "{here}except E{}:", ["", " as e"][rng.below(2)]);
            inner(rng, out, depth - 1);
        }
        4 => {
            let _ = writeln!(out, "{here}try:");
            inner(rng, out, depth - 1);
            let _ = writeln!(out, "{here}finally:");
            inner(rng, out, depth - 1);
        }
        5 => {
            let _ = writeln!(out, "{here}try:");
            inner(rng, out, depth - 1);
            let _ = writeln!(out, "{here}except E:");
            inner(rng, out, depth - 1);
            let _ = writeln!(out, "{here}else:");
            inner(rng, out, depth - 1);
            let _ = writeln!(out, "{here}finally:");
            inner(rng, out, depth - 1);
        }
        6 => {
            let _ = writeln!(out, "{here}if a:");
            inner(rng, out, depth - 1);
            let _ = writeln!(out, "{here}elif b:");
            inner(rng, out, depth - 1);
        }
        7 => {
            let _ = writeln!(out, "{here}def f():");
            nest(rng, out, indent, level + 1, depth - 1, false);
        }
        8 => {
            let _ = writeln!(out, "{here}async def f():");
            nest(rng, out, indent, level + 1, depth - 1, true);
        }
        9 => {
            let _ = writeln!(out, "{here}\\");
            let _ = writeln!(out, "{here}if a:");
            inner(rng, out, depth - 1);
        }
        10 => {
            let _ = writeln!(out, "{here}async with a:");
            inner(rng, out, depth - 1);
        }
        _ => {
            let _ = writeln!(out, "{here}try:");
            inner(rng, out, depth - 1);
            let _ = writeln!(out, "{here}except* E:");
            inner(rng, out, depth - 1);
        }
    }
}

fn module(seed: u64) -> String {
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let styles: [&[&str]; 5] = [&["    "], &["\t"], &["\t", "    "], &["  ", "\t"], &[" "]];
    let style = styles[rng.below(styles.len())];
    // Now and then one level is written another way: a TabError, or not.
    let odd = (rng.below(4) == 0).then(|| rng.below(12));
    let indent = move |level: usize| -> String {
        (0..level).map(|l| if Some(l) == odd { "\t" } else { style[l % style.len()] }).collect()
    };
    let mut out = String::new();
    match rng.below(10) {
        // Brackets around CPython's 200.
        0 => {
            let n = 195 + rng.below(10);
            let _ = writeln!(out, "x = {}1{}", "(".repeat(n), ")".repeat(n));
        }
        // Indentation around CPython's 99 levels.
        1 => {
            let n = 95 + rng.below(7);
            for level in 0..n {
                let _ = writeln!(out, "{}if a:", indent(level));
            }
            let _ = writeln!(out, "{}pass", indent(n));
        }
        _ => {
            let in_async = rng.below(2) == 0;
            let _ = writeln!(out, "{}", if in_async { "async def main():" } else { "def main():" });
            let depth = 8 + rng.below(16);
            nest(&mut rng, &mut out, &indent, 1, depth, in_async);
        }
    }
    out
}

#[test]
fn cancelsafes_model_of_cpythons_compiler_agrees_with_python3() {
    let dir = common::tempdir();
    let count = std::env::var("CANCELSAFE_VERIFY_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(1500);
    let mut modules = Vec::new();
    for index in 0..count {
        let text = module(index as u64 + 1);
        if cancelsafe::source::parse(&text).is_err() {
            continue;
        }
        let name = format!("m{index:05}.py");
        std::fs::write(dir.path().join(&name), &text).unwrap();
        modules.push((name, text));
    }
    let script = "import os, sys\n\
        for name in sorted(os.listdir('.')):\n\
        \x20   try:\n\
        \x20       compile(open(name, 'rb').read(), name, 'exec', dont_inherit=True)\n\
        \x20       print(name, 'ok')\n\
        \x20   except (SyntaxError, RecursionError, MemoryError) as error:\n\
        \x20       print(name, type(error).__name__, error.msg if isinstance(error, SyntaxError) else error)\n";
    let output = common::output(Command::new("python3").args(["-B", "-c", script]).current_dir(dir.path()));
    assert!(output.status.success(), "{}", common::text(&output.stderr));
    let verdicts = common::text(&output.stdout);
    let mut disagreements = Vec::new();
    let mut refused = 0;
    for ((name, text), line) in modules.iter().zip(verdicts.lines()) {
        assert!(line.starts_with(name.as_str()), "{line} is not about {name}");
        let python = line[name.len() + 1..].to_string();
        let ours = cpython_refuses(text);
        refused += usize::from(python != "ok");
        if (python == "ok") != ours.is_none() {
            disagreements.push(format!("{name}: python3 says {python:?}, cancelsafe says {ours:?}\n{text}"));
        }
    }
    assert!(refused * 5 > modules.len(), "too few modules near the limits: {refused} of {}", modules.len());
    assert!(
        disagreements.is_empty(),
        "{} of {} modules judged differently:\n{}",
        disagreements.len(),
        modules.len(),
        disagreements.iter().take(12).cloned().collect::<Vec<_>>().join("\n\n")
    );
}
