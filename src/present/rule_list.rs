//! `--list-rules`: each rule's code, name and kind of fix, then its one-line summary, wrapped
//! to fit 100 columns, and what the fix column means.

use crate::rules::Rule;

const WIDTH: usize = 100;
const INDENT: &str = "       ";

const LEGEND: &str = "\
fix: safe = --write applies it; unsafe = applied only with --unsafe-fixes or when accepted in -i,
and each one says why; safe or unsafe = depends on the case (see \"Fix safety\" in --explain RULE);
py311+ = older targets get the finding without a fix; unsafe < py311 = older targets get an
unsafe fix. In test code (under tests/, test_*.py, *_test.py, conftest.py; test functions,
fixtures, Test classes) every fix is unsafe. Codes and names both work in --select, --ignore,
the configuration and # noqa.
";

pub fn listing() -> String {
    let name_width = Rule::ALL.iter().map(|rule| rule.name().len()).max().unwrap_or(0);
    let mut out = format!("{:<5}  {:<name_width$}  fix\n", "code", "name");
    for rule in Rule::ALL {
        out.push_str(&format!("{}  {:<name_width$}  {}\n", rule.code(), rule.name(), rule.fixes()));
        for line in wrap(&rule.summary(), WIDTH - INDENT.len()) {
            out.push_str(&format!("{INDENT}{line}\n"));
        }
    }
    out.push('\n');
    out.push_str(LEGEND);
    out
}

/// `text` in lines of at most `width` characters, broken between words (a longer word gets
/// a line of its own).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    #[test]
    fn wraps_between_words() {
        assert_eq!(super::wrap("aa bb cc dd", 5), ["aa bb", "cc dd"]);
        assert_eq!(super::wrap("aaaaaaa b", 3), ["aaaaaaa", "b"]);
        assert!(super::wrap("", 5).is_empty());
    }
}
