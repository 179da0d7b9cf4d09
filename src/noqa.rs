//! Suppression comments, as flake8 and ruff read them: `# noqa` or `# noqa: CS101, CS301` (or
//! the rules' names, `# noqa: swallowed-cancellation`) on a line suppresses findings that start
//! or end on that line (for handler rules the finding is
//! the `except` line); `# cancelsafe: noqa` (optionally `: CODES`) on a line of its own
//! suppresses them in the whole file. flake8-async's codes for the same concern count too
//! (`# noqa: ASYNC102` silences CS301). A suppressed finding is neither reported nor fixed.

use crate::source::Module;
use ruff_python_ast::token::{Token, TokenKind, Tokens};
use ruff_diagnostics::Edit;
use ruff_source_file::LineRanges;
use ruff_text_size::{Ranged, TextLen, TextRange, TextSize};

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
            Codes::Listed(codes) => codes.iter().any(|listed| {
                listed.eq_ignore_ascii_case(rule.code())
                    || listed.eq_ignore_ascii_case(rule.name())
                    || flake8_async_codes(rule).iter().any(|code| listed.eq_ignore_ascii_case(code))
            }),
        }
    }
}

/// flake8-async's codes for the same concern: a line already silenced for flake8-async
/// (`await ctx.aclose()  # noqa: ASYNC102`) was reviewed for it, and is silenced here too.
fn flake8_async_codes(rule: Rule) -> &'static [&'static str] {
    match rule {
        Rule::SwallowedCancellation | Rule::BroadExceptSwallowsCancellation => &["ASYNC103", "ASYNC104"],
        Rule::UnshieldedCleanupAwait => &["ASYNC102"],
        Rule::FireAndForgetTask => &["ASYNC300"],
        Rule::YieldInsideCancelScope => &["ASYNC101"],
        _ => &[],
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
pub fn retain_unsuppressed(findings: &mut Vec<Finding>, parsed: &Module, source: &str) {
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
    fn of(parsed: &Module, source: &str) -> Suppressions {
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
    line_directive_span(comment).map(|(codes, _)| codes)
}

/// [`line_directive`], with where it lies in `comment`: from its `#` to the end of its list of
/// codes.
fn line_directive_span(comment: &str) -> Option<(Codes, std::ops::Range<usize>)> {
    comment.match_indices('#').find_map(|(hash, _)| {
        let rest = comment[hash + 1..].trim_start();
        let rest = strip_prefix_ignore_case(rest, "cancelsafe:").map_or(rest, str::trim_start);
        let (codes, end) = directive_span(rest, "noqa")?;
        Some((codes, hash..offset_in(comment, rest) + end))
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
    directive_span(text, word).map(|(codes, _)| codes)
}

/// [`directive_after`], with where the directive's last code (else the word) ends in `text`.
fn directive_span(text: &str, word: &str) -> Option<(Codes, usize)> {
    let rest = strip_prefix_ignore_case(text, word)?;
    if rest.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_') {
        return None;
    }
    let word_end = text.len() - rest.len();
    let rest = rest.trim_start();
    let (colon, list) = match rest.strip_prefix(':') {
        Some(list) => (true, list),
        None => (false, rest),
    };
    let codes: Vec<&str> = list
        .split([',', ' ', '\t'])
        .map_while(|part| (part.is_empty() || is_code(part) || is_rule_name(part)).then_some(part))
        .filter(|part| !part.is_empty())
        .collect();
    match (codes.last(), colon) {
        (Some(last), _) => Some((Codes::Listed(codes.iter().map(|code| code.to_string()).collect()), offset_in(text, last) + last.len())),
        (None, true) => None,
        (None, false) => Some((Codes::All, word_end)),
    }
}

/// Where `part`, a slice of `text`, starts in it.
fn offset_in(text: &str, part: &str) -> usize {
    part.as_ptr() as usize - text.as_ptr() as usize
}

/// The edit that suppresses `finding` with `# noqa: CODE` (an editor's "disable for this
/// line"): on the line where the finding starts, else where it ends; a `# noqa: CODES` already
/// there gets the code added. `None` when neither line can take a comment (it ends inside a
/// string, or with a backslash continuation) or a bare `# noqa` is already there.
pub fn suppression_edit(source: &str, finding: &Finding) -> Option<Edit> {
    let parsed = ruff_python_parser::parse_module(source).ok()?;
    let tokens = parsed.tokens();
    let code = finding.rule.code();
    [finding.range.start(), finding.range.end()].into_iter().find_map(|offset| {
        let (line_start, line_end) = (source.line_start(offset), source.line_end(offset));
        let first_after = tokens.partition_point(|token| token.start() < line_end);
        let crossing = tokens[..first_after].iter().rev().take_while(|token| token.end() > line_start).any(|token| token.end() > line_end);
        if crossing {
            return None;
        }
        match comment_on_line(tokens, line_start, line_end) {
            Some(comment) => match line_directive_span(&source[comment.range()]) {
                Some((Codes::Listed(_), span)) => Some(Edit::insertion(format!(", {code}"), comment.start() + TextSize::try_from(span.end).ok()?)),
                Some((Codes::All, _)) => None,
                None => Some(Edit::insertion(format!("  # noqa: {code}"), comment.end())),
            },
            None => {
                let content = source[TextRange::new(line_start, line_end)].trim_end();
                if content.ends_with('\\') {
                    return None;
                }
                Some(Edit::range_replacement(format!("  # noqa: {code}"), TextRange::new(line_start + content.text_len(), line_end)))
            }
        }
    })
}

/// Linters' codes for a bare `except:` (pycodestyle's E722, bugbear's B001): once a fix names
/// the type, a `# noqa` for them on that line suppresses nothing, and ruff's RUF100 says so.
pub const BARE_EXCEPT_CODES: &[&str] = &["E722", "B001"];

/// The edit that takes `retired` codes out of a `# noqa: CODES` comment on the line holding
/// `offset`, or the whole directive when it named nothing else and nothing follows it.
/// `None` when the line has no such directive.
pub fn retire_codes(parsed: &Module, source: &str, offset: TextSize, retired: &[&str]) -> Option<Edit> {
    let (line_start, line_end) = (source.line_start(offset), source.line_end(offset));
    let comment = comment_on_line(parsed.tokens(), line_start, line_end)?;
    let text = &source[comment.range()];
    let (Codes::Listed(codes), span) = line_directive_span(text)? else { return None };
    let is_retired = |code: &String| retired.iter().any(|r| code.eq_ignore_ascii_case(r));
    if !codes.iter().any(is_retired) {
        return None;
    }
    let kept: Vec<&str> = codes.iter().filter(|code| !is_retired(code)).map(String::as_str).collect();
    let absolute = |at: usize| comment.start() + TextSize::try_from(at).unwrap_or_default();
    if kept.is_empty() {
        if !text[span.end..].trim().is_empty() {
            return None;
        }
        // The directive goes, with the spaces before it (the whole comment when it was all).
        let before = &source[line_start.to_usize()..absolute(span.start).to_usize()];
        let start = line_start + before.trim_end_matches([' ', '\t']).text_len();
        return Some(Edit::deletion(start, comment.end()));
    }
    let list_start = span.start + text[span.clone()].find(codes[0].as_str())?;
    Some(Edit::range_replacement(kept.join(", "), TextRange::new(absolute(list_start), absolute(span.end))))
}

/// The comment that ends the line from `line_start` to `line_end`, if it has one.
fn comment_on_line(tokens: &Tokens, line_start: TextSize, line_end: TextSize) -> Option<&Token> {
    let first_after = tokens.partition_point(|token| token.start() < line_end);
    tokens[..first_after].iter().rev().take_while(|token| token.start() >= line_start).find(|token| token.kind() == TokenKind::Comment)
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
        assert!(Codes::Listed(vec!["ASYNC102".into()]).covers(Rule::UnshieldedCleanupAwait));
        assert!(Codes::Listed(vec!["async103".into()]).covers(Rule::BroadExceptSwallowsCancellation));
        assert!(!Codes::Listed(vec!["ASYNC102".into()]).covers(Rule::SwallowedCancellation));
    }

    fn suppressed(source: &str, line: usize) -> Option<String> {
        let start: usize = source.split_inclusive('\n').take(line - 1).map(str::len).sum();
        let range = TextRange::at(TextSize::try_from(start).unwrap(), TextSize::from(1));
        let finding = Finding { rule: crate::rules::Rule::FireAndForgetTask, message: String::new(), range, fix: None, reason: None };
        let edit = suppression_edit(source, &finding)?;
        Some(crate::engine::splice(source, &[edit]))
    }

    /// `source` with the bare-except codes retired from its last line.
    fn retired(source: &str) -> String {
        let parsed = crate::source::parse(source).unwrap();
        let line = source.trim_end().rfind('\n').map_or(0, |at| at + 1);
        match retire_codes(&parsed, source, TextSize::try_from(line).unwrap(), BARE_EXCEPT_CODES) {
            Some(edit) => crate::engine::splice(source, &[edit]),
            None => source.to_string(),
        }
    }

    #[test]
    fn retires_the_codes_a_fix_makes_stale() {
        assert_eq!(retired("try: pass\nexcept:  pass  # noqa: E722\n"), "try: pass\nexcept:  pass\n");
        assert_eq!(retired("x = 1  # noqa: E722, CS201\n"), "x = 1  # noqa: CS201\n");
        assert_eq!(retired("x = 1  # noqa:CS999,b001,E722 because\n"), "x = 1  # noqa:CS999 because\n");
        assert_eq!(retired("x = 1  # type: ignore  # noqa: E722\n"), "x = 1  # type: ignore\n");
        // Words after the directive belong to it: the comment stays as written.
        assert_eq!(retired("x = 1  # noqa: E722 we want everything\n"), "x = 1  # noqa: E722 we want everything\n");
        // A bare `# noqa` and other codes are not this edit's business.
        assert_eq!(retired("x = 1  # noqa\n"), "x = 1  # noqa\n");
        assert_eq!(retired("x = 1  # noqa: CS102\n"), "x = 1  # noqa: CS102\n");
        assert_eq!(retired("# noqa: E722\nx = 1\n"), "# noqa: E722\nx = 1\n");
    }

    #[test]
    fn adds_the_code_where_a_comment_can_go() {
        assert_eq!(suppressed("f()\ng()   \n", 2).as_deref(), Some("f()\ng()  # noqa: CS201\n"));
        assert_eq!(suppressed("g()  # why\r\n", 1).as_deref(), Some("g()  # why  # noqa: CS201\r\n"));
        assert_eq!(suppressed("g()  # noqa: CS101 because\n", 1).as_deref(), Some("g()  # noqa: CS101, CS201 because\n"));
        assert_eq!(suppressed("g()  # noqa\n", 1), None);
        // The line ends inside a string, or continues with a backslash: no comment fits there.
        assert_eq!(suppressed("g(\"\"\"a\nb\"\"\")\n", 1), None);
        assert_eq!(suppressed("x = 1 + \\\n    2\n", 1), None);
    }
}
