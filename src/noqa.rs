//! Suppression comments, as flake8 and ruff read them: `# noqa` or `# noqa: CS101, CS301` (or
//! the rules' names, `# noqa: swallowed-cancellation`) on a line suppresses findings that start
//! or end on that line (for handler rules the finding is
//! the `except` line); `# cancelsafe: noqa` (optionally `: CODES`) on a line of its own
//! suppresses them in the whole file. A suppressed finding is neither reported nor fixed.

use ruff_python_ast::ModModule;
use ruff_python_ast::token::TokenKind;
use ruff_python_parser::Parsed;
use ruff_text_size::{Ranged, TextSize};

use crate::finding::Finding;
use crate::rules::Rule;

/// Which codes a directive names.
#[derive(Debug, PartialEq, Eq)]
enum Codes {
    All,
    Listed(Vec<String>),
}

impl Codes {
    fn covers(&self, rule: Rule) -> bool {
        match self {
            Codes::All => true,
            Codes::Listed(codes) => codes.iter().any(|listed| listed.eq_ignore_ascii_case(rule.code()) || listed.eq_ignore_ascii_case(rule.name())),
        }
    }
}

/// The directives of one file.
#[derive(Debug, Default)]
struct Suppressions {
    file: Vec<Codes>,
    /// (offset of the line's start, codes), in source order.
    lines: Vec<(TextSize, Codes)>,
}

/// Drops the findings a directive suppresses.
pub fn retain_unsuppressed(findings: &mut Vec<Finding>, parsed: &Parsed<ModModule>, source: &str) {
    if findings.is_empty() {
        return;
    }
    let suppressions = Suppressions::of(parsed, source);
    if suppressions.file.is_empty() && suppressions.lines.is_empty() {
        return;
    }
    findings.retain(|finding| !suppressions.suppress(finding, source));
}

impl Suppressions {
    fn of(parsed: &Parsed<ModModule>, source: &str) -> Suppressions {
        let mut suppressions = Suppressions::default();
        for token in parsed.tokens().iter().filter(|token| token.kind() == TokenKind::Comment) {
            let comment = &source[token.range()];
            let line_start = line_start(source, token.start());
            let own_line = source[line_start.to_usize()..token.start().to_usize()].trim().is_empty();
            if own_line {
                if let Some(codes) = file_directive(comment) {
                    suppressions.file.push(codes);
                    continue;
                }
            }
            if let Some(codes) = line_directive(comment) {
                suppressions.lines.push((line_start, codes));
            }
        }
        suppressions
    }

    fn suppress(&self, finding: &Finding, source: &str) -> bool {
        let rule = finding.rule;
        if self.file.iter().any(|codes| codes.covers(rule)) {
            return true;
        }
        let first = line_start(source, finding.range.start());
        let last = line_start(source, finding.range.end());
        self.lines.iter().any(|(line, codes)| (*line == first || *line == last) && codes.covers(rule))
    }
}

fn line_start(source: &str, offset: TextSize) -> TextSize {
    let start = source[..offset.to_usize()].rfind(['\n', '\r']).map_or(0, |newline| newline + 1);
    TextSize::try_from(start).unwrap_or_default()
}

/// `# noqa` or `# noqa: CODES` anywhere in a comment (`# type: ignore  # noqa`); a
/// `# cancelsafe: noqa` after code on the line means the same.
fn line_directive(comment: &str) -> Option<Codes> {
    comment.match_indices('#').find_map(|(hash, _)| {
        let rest = comment[hash + 1..].trim_start();
        let rest = strip_prefix_ignore_case(rest, "cancelsafe:").map_or(rest, str::trim_start);
        directive_after(rest, "noqa")
    })
}

/// `# cancelsafe: noqa` or `# cancelsafe: noqa: CODES`.
fn file_directive(comment: &str) -> Option<Codes> {
    let rest = comment.strip_prefix('#')?.trim_start();
    let rest = strip_prefix_ignore_case(rest, "cancelsafe:")?.trim_start();
    directive_after(rest, "noqa")
}

/// Reads `noqa` then an optional `: CODES` list. The colon may be missing or spaced
/// (`noqa CS101`, `noqa : CS101`): the codes still count, so a typo never widens a directive
/// to every rule. `noqa:` with no code is not a directive (as in ruff).
fn directive_after(text: &str, word: &str) -> Option<Codes> {
    let rest = strip_prefix_ignore_case(text, word)?;
    if rest.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_') {
        return None;
    }
    let rest = rest.trim_start();
    let (colon, list) = match rest.strip_prefix(':') {
        Some(list) => (true, list),
        None => (false, rest),
    };
    let codes: Vec<String> = list
        .split([',', ' ', '\t'])
        .map_while(|part| (part.is_empty() || is_code(part) || is_rule_name(part)).then_some(part))
        .filter(|part| !part.is_empty())
        .map(str::to_string)
        .collect();
    match (codes.is_empty(), colon) {
        (false, _) => Some(Codes::Listed(codes)),
        (true, true) => None,
        (true, false) => Some(Codes::All),
    }
}

/// A rule code: letters then digits (`CS101`, `E501`).
fn is_code(text: &str) -> bool {
    let digits = text.trim_start_matches(|c: char| c.is_ascii_alphabetic());
    digits.len() < text.len() && !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit())
}

/// A rule name: words joined by `-` (`swallowed-cancellation`). A single word is not one, so
/// `# noqa because …` stays a bare `# noqa`.
fn is_rule_name(text: &str) -> bool {
    let mut words = text.split('-');
    let word = |w: &str| !w.is_empty() && w.chars().all(|c| c.is_ascii_alphanumeric());
    text.contains('-') && words.all(word)
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix).then(|| &text[prefix.len()..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_directives_as_ruff_does() {
        assert_eq!(line_directive("# noqa"), Some(Codes::All));
        assert_eq!(line_directive("#NOQA"), Some(Codes::All));
        assert_eq!(line_directive("# noqa: CS101"), Some(Codes::Listed(vec!["CS101".into()])));
        assert_eq!(line_directive("# noqa:CS101,CS301"), Some(Codes::Listed(vec!["CS101".into(), "CS301".into()])));
        assert_eq!(line_directive("# noqa: CS101, CS301 because reasons"), Some(Codes::Listed(vec!["CS101".into(), "CS301".into()])));
        assert_eq!(line_directive("# type: ignore  # noqa: CS201"), Some(Codes::Listed(vec!["CS201".into()])));
        assert_eq!(line_directive("# noqa:"), None);
        assert_eq!(line_directive("# noqa CS101"), Some(Codes::Listed(vec!["CS101".into()])));
        assert_eq!(line_directive("# noqa : CS101"), Some(Codes::Listed(vec!["CS101".into()])));
        assert_eq!(line_directive("# noqa because"), Some(Codes::All));
        assert_eq!(line_directive("# cancelsafe: noqa: CS201"), Some(Codes::Listed(vec!["CS201".into()])));
        assert_eq!(file_directive("# cancelsafe: noqa CS201"), Some(Codes::Listed(vec!["CS201".into()])));
        assert_eq!(line_directive("# noqanything"), None);
        assert_eq!(line_directive("# not a noqa"), None);
        assert_eq!(file_directive("# cancelsafe: noqa"), Some(Codes::All));
        assert_eq!(file_directive("# cancelsafe: noqa: CS201"), Some(Codes::Listed(vec!["CS201".into()])));
        assert_eq!(file_directive("# noqa"), None);
        assert_eq!(line_directive("# noqa: swallowed-cancellation, CS301"), Some(Codes::Listed(vec!["swallowed-cancellation".into(), "CS301".into()])));
        assert_eq!(file_directive("# cancelsafe: noqa: fire-and-forget-task"), Some(Codes::Listed(vec!["fire-and-forget-task".into()])));
        assert_eq!(line_directive("# noqa because-reasons"), Some(Codes::Listed(vec!["because-reasons".into()])), "never wider than written");
        assert!(Codes::Listed(vec!["Swallowed-Cancellation".into()]).covers(Rule::SwallowedCancellation));
        assert!(!Codes::Listed(vec!["swallowed-cancellation".into()]).covers(Rule::FireAndForgetTask));
    }
}
