//! Black's layout of a line of code that does not fit in [`LINE_LENGTH`] columns, so that what a
//! fix writes (or re-indents one level deeper) is what black and ruff's formatter would write:
//! their "right hand split" at the last pair of brackets whose head still fits, the optional
//! parentheses of a condition or a right-hand side when it has several operators, and the
//! "delimiter split" of a bracket's content (one item a line with a trailing comma, or a line
//! per operand, the operator leading). The subset of their rules that the code a fix touches
//! needs: a line it cannot lay out with certainty (a comprehension, a lambda, a `def`) is
//! left as it is ([`split`] returns `None`).

use ruff_python_ast::token::TokenKind;
use ruff_python_ast::PySourceType;
use ruff_python_parser::parse_unchecked_source;
use ruff_text_size::Ranged;

use super::{ends_expression, LINE_LENGTH};

/// Where the line goes: the columns of its indentation and of one more level.
#[derive(Clone, Copy, Debug)]
pub struct Frame {
    pub indent: usize,
    pub unit: usize,
    /// `with (a as x, b as y):` may be written (Python 3.9+): both formatters then put the items
    /// of a `with` that does not fit between parentheses, one a line.
    pub parenthesized_with: bool,
}

impl Frame {
    /// Does `text` fit on a line `depth` levels below the frame's indentation?
    pub fn fits(&self, depth: usize, text: &str) -> bool {
        self.indent + depth * self.unit + text.chars().count() <= LINE_LENGTH
    }
}

/// The lines (levels below the first line's indentation, text) that black splits `code`, one
/// logical line written on one line (a trailing comment allowed), into; `None` when it fits or
/// its shape is not one handled here.
pub fn split(code: &str, frame: Frame) -> Option<Vec<(usize, String)>> {
    // Most lines fit (with a column to spare for a comment's spacing): no need to lex them.
    if frame.indent + code.chars().count() < LINE_LENGTH {
        return None;
    }
    let line = Pieces::lex(code)?;
    // A pragma speaks for the line it is on (`# noqa: E501`, `# type: ignore`, `# fmt: skip`):
    // moved to the last line of a split, it would speak for another.
    const PRAGMAS: [&str; 6] = ["noqa", "type:", "fmt:", "pragma", "pylint:", "pyright:"];
    let pragma = line.comment.is_some_and(|comment| {
        let text = comment.trim_start_matches('#').trim_start().to_ascii_lowercase();
        PRAGMAS.iter().any(|pragma| text.starts_with(pragma))
    });
    if pragma || line.pieces.is_empty() || frame.fits(0, &line.text(0, line.pieces.len(), "", "")) {
        return None;
    }
    let splitter = Splitter { line: &line, frame };
    let lines = splitter.statement()?;
    (lines.len() > 1).then_some(lines)
}

/// One token (an f-string whole) and whether blanks come before it.
struct Piece<'a> {
    text: &'a str,
    kind: TokenKind,
    spaced: bool,
    /// The index of the bracket that closes (or opens) this one.
    partner: usize,
}

struct Pieces<'a> {
    pieces: Vec<Piece<'a>>,
    comment: Option<&'a str>,
}

impl<'a> Pieces<'a> {
    fn lex(code: &'a str) -> Option<Pieces<'a>> {
        let parsed = parse_unchecked_source(code, PySourceType::Python);
        let tokens = parsed.tokens();
        let mut pieces: Vec<Piece<'a>> = Vec::new();
        let mut comment = None;
        let mut open = Vec::new();
        let mut end = 0usize;
        let mut index = 0;
        while index < tokens.len() {
            let token = &tokens[index];
            index += 1;
            let kind = token.kind();
            let (start, mut stop) = (token.start().to_usize(), token.end().to_usize());
            match kind {
                TokenKind::Newline | TokenKind::NonLogicalNewline | TokenKind::EndOfFile | TokenKind::Indent | TokenKind::Dedent => continue,
                // `a(); b(x)`: black puts the statements on lines of their own first.
                TokenKind::Unknown | TokenKind::Semi => return None,
                _ if comment.is_some() => return None,
                TokenKind::Comment => {
                    comment = Some(&code[start..stop]);
                    continue;
                }
                TokenKind::FStringStart | TokenKind::TStringStart => {
                    // The whole string is one piece: its `{` `}` are no brackets of the line.
                    let mut depth = 1;
                    while depth > 0 && index < tokens.len() {
                        match tokens[index].kind() {
                            TokenKind::FStringStart | TokenKind::TStringStart => depth += 1,
                            TokenKind::FStringEnd | TokenKind::TStringEnd => depth -= 1,
                            _ => {}
                        }
                        stop = tokens[index].end().to_usize();
                        index += 1;
                    }
                }
                _ => {}
            }
            let text = &code[start..stop];
            if text.contains(['\n', '\r']) {
                return None;
            }
            let kind = if matches!(kind, TokenKind::FStringStart | TokenKind::TStringStart) { TokenKind::String } else { kind };
            let position = pieces.len();
            let mut partner = position;
            if is_open(kind) {
                open.push(position);
            } else if is_close(kind) {
                partner = open.pop()?;
                pieces[partner].partner = position;
            }
            pieces.push(Piece { text, kind, spaced: start > end && position > 0, partner });
            end = stop;
        }
        open.is_empty().then_some(Pieces { pieces, comment })
    }

    /// Pieces `lo..hi` on one line, with `prefix` before and `suffix` after; the comment after
    /// the last piece of the line.
    fn text(&self, lo: usize, hi: usize, prefix: &str, suffix: &str) -> String {
        let mut out = prefix.to_string();
        for (index, piece) in self.pieces[lo..hi].iter().enumerate() {
            if index > 0 && piece.spaced {
                out.push(' ');
            }
            out.push_str(piece.text);
        }
        out.push_str(suffix);
        if let (Some(comment), true) = (self.comment, hi == self.pieces.len()) {
            out.push_str("  ");
            out.push_str(comment);
        }
        out
    }
}

fn is_open(kind: TokenKind) -> bool {
    matches!(kind, TokenKind::Lpar | TokenKind::Lsqb | TokenKind::Lbrace)
}

fn is_close(kind: TokenKind) -> bool {
    matches!(kind, TokenKind::Rpar | TokenKind::Rsqb | TokenKind::Rbrace)
}

fn is_augmented_assignment(kind: TokenKind) -> bool {
    matches!(
        kind,
        TokenKind::PlusEqual
            | TokenKind::MinusEqual
            | TokenKind::StarEqual
            | TokenKind::SlashEqual
            | TokenKind::PercentEqual
            | TokenKind::AmperEqual
            | TokenKind::VbarEqual
            | TokenKind::CircumflexEqual
            | TokenKind::LeftShiftEqual
            | TokenKind::RightShiftEqual
            | TokenKind::DoubleStarEqual
            | TokenKind::DoubleSlashEqual
            | TokenKind::AtEqual
    )
}

/// How deep a split may nest lines: deeper code is left as it is.
const MAX_DEPTH: usize = 20;

/// Black's delimiter priorities (the ones handled here).
const COMMA: u8 = 18;
const LOGIC: u8 = 14;
const COMPARATOR: u8 = 10;
const DOT: u8 = 1;

/// The delimiters at the top level of a range: their priority and the index of the piece a
/// line starts with when splitting there (the operator; for a comma, the piece after it).
/// `None` for what black splits by rules not handled here (comprehensions, conditional
/// expressions, lambdas, implicitly joined strings, the walrus).
fn delimiters(line: &Pieces, lo: usize, hi: usize) -> Option<Vec<(u8, usize)>> {
    let pieces = &line.pieces;
    let mut found = Vec::new();
    let mut index = lo;
    while index < hi {
        let piece = &pieces[index];
        if is_open(piece.kind) {
            index = piece.partner + 1;
            continue;
        }
        let previous = (index > lo).then(|| pieces[index - 1].kind);
        let binary = previous.is_some_and(ends_expression);
        let priority = match piece.kind {
            // A range's own last comma (an item's, a trailing one) is no place to split it.
            TokenKind::Comma => {
                if index + 1 < hi {
                    found.push((COMMA, index + 1));
                }
                index += 1;
                continue;
            }
            TokenKind::For | TokenKind::Async | TokenKind::If | TokenKind::Else | TokenKind::Lambda | TokenKind::ColonEqual => return None,
            TokenKind::String if previous == Some(TokenKind::String) => return None,
            TokenKind::And | TokenKind::Or => LOGIC,
            TokenKind::Less | TokenKind::Greater | TokenKind::EqEqual | TokenKind::NotEqual | TokenKind::LessEqual | TokenKind::GreaterEqual => COMPARATOR,
            TokenKind::In if previous != Some(TokenKind::Not) => COMPARATOR,
            TokenKind::Not if pieces.get(index + 1).is_some_and(|next| next.kind == TokenKind::In) && previous != Some(TokenKind::Is) => COMPARATOR,
            TokenKind::Is => COMPARATOR,
            TokenKind::Vbar if binary => 9,
            TokenKind::CircumFlex if binary => 8,
            TokenKind::Amper if binary => 7,
            TokenKind::LeftShift | TokenKind::RightShift if binary => 6,
            TokenKind::Plus | TokenKind::Minus if binary => 5,
            TokenKind::Star | TokenKind::Slash | TokenKind::DoubleSlash | TokenKind::Percent | TokenKind::At if binary => 4,
            TokenKind::DoubleStar if binary => 1,
            TokenKind::Dot if previous.is_some_and(is_close) => DOT,
            _ => 0,
        };
        // An operator a range starts with (`and b`, a line of an earlier split) is no place to
        // split it again.
        if priority > 0 && index > lo {
            found.push((priority, index));
        }
        index += 1;
    }
    Some(found)
}

struct Splitter<'l, 'a> {
    line: &'l Pieces<'a>,
    frame: Frame,
}

type Lines = Vec<(usize, String)>;

impl Splitter<'_, '_> {
    fn kind(&self, index: usize) -> TokenKind {
        self.line.pieces[index].kind
    }

    /// A statement (or a compound statement's header): its optional parentheses, or a split at
    /// its last brackets.
    fn statement(&self) -> Option<Lines> {
        let hi = self.line.pieces.len();
        let header_colon = (self.kind(hi - 1) == TokenKind::Colon).then_some(hi - 1);
        let first = self.kind(0);
        let keyword_end = match (first, self.line.pieces.get(1).map(|p| p.kind)) {
            (TokenKind::Async, Some(TokenKind::With)) => 2,
            _ => 1,
        };
        match first {
            TokenKind::If | TokenKind::Elif | TokenKind::While => self.optional_parentheses(keyword_end, header_colon?),
            TokenKind::Return => self.optional_parentheses(keyword_end, hi),
            TokenKind::With | TokenKind::Async if self.kind(keyword_end - 1) == TokenKind::With => {
                let colon = header_colon?;
                let items = delimiters(self.line, keyword_end, colon)?;
                if self.frame.parenthesized_with && items.iter().any(|(priority, _)| *priority == COMMA) {
                    let head = self.line.text(0, keyword_end, "", " (");
                    let mut lines = vec![(0, head)];
                    lines.extend(self.comma_split(keyword_end, colon, 1, true)?);
                    lines.push((0, self.line.text(colon, hi, ")", "")));
                    return Some(lines);
                }
                self.right_hand_split(0, hi, 0, "", "")
            }
            // `await cleanup(…)`, a call: no optional parentheses.
            TokenKind::Await | TokenKind::Name if header_colon.is_none() => match self.assignment() {
                Some(equal) => self.optional_parentheses(equal + 1, hi),
                None if self.has_assignment_operator() => None,
                None => self.right_hand_split(0, hi, 0, "", ""),
            },
            _ => None,
        }
    }

    /// The `=` of `target = value` (a single target, not an annotation or augmented form).
    fn assignment(&self) -> Option<usize> {
        let mut equals = (0..self.line.pieces.len()).filter(|&i| self.kind(i) == TokenKind::Equal && self.at_top(i));
        let equal = equals.next()?;
        equals.next().is_none().then_some(equal)
    }

    fn has_assignment_operator(&self) -> bool {
        (0..self.line.pieces.len()).any(|i| self.at_top(i) && (self.kind(i) == TokenKind::Colon || is_augmented_assignment(self.kind(i))))
    }

    /// Whether piece `index` is outside every bracket.
    fn at_top(&self, index: usize) -> bool {
        let mut depth = 0i32;
        for piece in &self.line.pieces[..index] {
            if is_open(piece.kind) {
                depth += 1;
            } else if is_close(piece.kind) {
                depth -= 1;
            }
        }
        depth == 0
    }

    /// The part `lo..hi` of the statement in black's optional parentheses (a condition, a
    /// returned or assigned value): split at its last brackets when they can do without the
    /// parentheses, else `keyword (`, the part one level deeper, `)`.
    fn optional_parentheses(&self, lo: usize, hi: usize) -> Option<Lines> {
        let end = self.line.pieces.len();
        if self.can_omit_parentheses(lo, hi)? {
            return self.right_hand_split(0, end, 0, "", "");
        }
        let mut lines = vec![(0, self.line.text(0, lo, "", " ("))];
        lines.extend(self.lay(lo, hi, 1, "", "")?);
        lines.push((0, self.line.text(hi, end, ")", "")));
        Some(lines)
    }

    /// black's `can_omit_invisible_parens`, for the part `lo..hi`.
    fn can_omit_parentheses(&self, lo: usize, hi: usize) -> Option<bool> {
        let found = delimiters(self.line, lo, hi)?;
        let Some(max) = found.iter().map(|(priority, _)| *priority).max() else { return Some(true) };
        let count = found.iter().filter(|(priority, _)| *priority == max).count();
        if count > 1 {
            return Some(false);
        }
        if max == DOT {
            return Some(true);
        }
        if hi - lo < 2 {
            return Some(false);
        }
        let last = hi - 1;
        let closes_call_or_literal = match self.kind(last) {
            TokenKind::Rpar | TokenKind::Rbrace => true,
            TokenKind::Rsqb => !self.opens_subscript(self.line.pieces[last].partner),
            _ => false,
        };
        if !closes_call_or_literal || is_open(self.kind(last - 1)) {
            return Some(false);
        }
        // The text up to the last opening bracket fits one level deeper, or other brackets
        // come before it that can be split further.
        let opening = self.line.pieces[last].partner;
        let seen_other = (lo..opening).any(|i| is_open(self.kind(i)));
        Some(seen_other || self.frame.fits(1, &self.line.text(lo, opening + 1, "", "")))
    }

    /// Is the bracket at `open` a subscript or call (right after an operand), not a literal?
    fn opens_subscript(&self, open: usize) -> bool {
        open > 0 && ends_expression(self.kind(open - 1))
    }

    /// Pieces `lo..hi` at `depth`, inside brackets: on one line if they fit, else split at
    /// their delimiters of the highest priority, else at their last brackets.
    fn lay(&self, lo: usize, hi: usize, depth: usize, prefix: &str, suffix: &str) -> Option<Lines> {
        let text = self.line.text(lo, hi, prefix, suffix);
        if self.frame.fits(depth, &text) {
            return Some(vec![(depth, text)]);
        }
        // Each split works on a smaller part; past this depth the line is not worth it.
        if depth > MAX_DEPTH {
            return None;
        }
        let found = delimiters(self.line, lo, hi)?;
        let max = found.iter().map(|(priority, _)| *priority).max().unwrap_or(0);
        let count = found.iter().filter(|(priority, _)| *priority == max).count();
        let brackets = (lo..hi).any(|i| is_open(self.kind(i)) && self.line.pieces[i].partner > i + 1);
        match max {
            // Nothing to split at: black leaves the line long.
            0 | DOT if !brackets => Some(vec![(depth, text)]),
            0 => self.right_hand_split(lo, hi, depth, prefix, suffix),
            DOT if count == 1 => self.right_hand_split(lo, hi, depth, prefix, suffix),
            DOT => None,
            COMMA if prefix.is_empty() && suffix.is_empty() => self.comma_split(lo, hi, depth, true),
            COMMA => None,
            _ if !prefix.is_empty() => None,
            _ => {
                // A line per operand, each from its operator on.
                let starts: Vec<usize> = std::iter::once(lo).chain(found.iter().filter(|(p, _)| *p == max).map(|(_, i)| *i)).chain([hi]).collect();
                let mut lines = Vec::new();
                for (n, pair) in starts.windows(2).enumerate() {
                    let last = n + 2 == starts.len();
                    lines.extend(self.lay(pair[0], pair[1], depth, "", if last { suffix } else { "" })?);
                }
                Some(lines)
            }
        }
    }

    /// One item a line, each with its comma, a trailing one added (after `*args` too: black
    /// does so for any file that uses a feature of Python 3.5+, ruff always).
    fn comma_split(&self, lo: usize, hi: usize, depth: usize, trailing: bool) -> Option<Lines> {
        let found = delimiters(self.line, lo, hi)?;
        // Each item runs through its comma; the last one may have none.
        let mut ends: Vec<usize> = found.iter().filter(|(p, _)| *p == COMMA).map(|(_, i)| *i).collect();
        ends.push(hi);
        let mut lines = Vec::new();
        let mut start = lo;
        for end in ends {
            let owns_comma = self.kind(end - 1) == TokenKind::Comma;
            lines.extend(self.lay(start, end, depth, "", if trailing && !owns_comma { "," } else { "" })?);
            start = end;
        }
        Some(lines)
    }

    /// black's right hand split of pieces `lo..hi`: at the last pair of brackets with something
    /// in them whose head (the text up to the opening bracket) fits, else at the last pair; the
    /// content one level deeper, laid out in turn.
    fn right_hand_split(&self, lo: usize, hi: usize, depth: usize, prefix: &str, suffix: &str) -> Option<Lines> {
        let pieces = &self.line.pieces;
        let mut candidates = Vec::new();
        let mut index = hi;
        while index > lo {
            index -= 1;
            if is_close(pieces[index].kind) {
                let open = pieces[index].partner;
                if open + 1 < index {
                    candidates.push((open, index));
                }
                index = open;
            }
        }
        let &(first_open, first_close) = candidates.first()?;
        let tail_fits = |close: usize| self.frame.fits(depth, &self.line.text(close, hi, "", suffix));
        let (open, close) = candidates
            .iter()
            .copied()
            .take_while(|&(_, close)| close == first_close || tail_fits(close))
            .find(|&(open, _)| self.frame.fits(depth, &self.line.text(lo, open + 1, prefix, "")))
            .unwrap_or((first_open, first_close));
        let mut lines = vec![(depth, self.line.text(lo, open + 1, prefix, ""))];
        let body_found = delimiters(self.line, open + 1, close)?;
        let has_comma = body_found.iter().any(|(priority, _)| *priority == COMMA);
        let magic = self.kind(close - 1) == TokenKind::Comma;
        let collection = !self.opens_subscript(open);
        if has_comma && (magic || collection) {
            lines.extend(self.comma_split(open + 1, close, depth + 1, true)?);
        } else {
            lines.extend(self.lay(open + 1, close, depth + 1, "", "")?);
        }
        lines.push((depth, self.line.text(close, hi, "", suffix)));
        Some(lines)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn laid_out(code: &str, indent: usize) -> Option<String> {
        let frame = Frame { indent, unit: 4, parenthesized_with: true };
        split(code, frame).map(|lines| lines.iter().map(|(depth, text)| format!("{}{text}", " ".repeat(indent + depth * 4))).collect::<Vec<_>>().join("\n"))
    }

    // Each expected layout is what black 26 and ruff format 0.17 write.
    #[test]
    fn splits_as_black_does() {
        assert_eq!(laid_out("await cleanup(asyncio.wait_for(self._client.close(), timeout=self.stop_timeout))", 16), Some(
            "                await cleanup(\n                    asyncio.wait_for(self._client.close(), timeout=self.stop_timeout)\n                )".to_string()));
        assert_eq!(laid_out("await cleanup(foo_bar_baz(bar, self._client.close_the_connection_now(argument_one, argument_2, a3, a4444444444444)))", 12), Some([
            "            await cleanup(",
            "                foo_bar_baz(",
            "                    bar,",
            "                    self._client.close_the_connection_now(",
            "                        argument_one, argument_2, a3, a4444444444444",
            "                    ),",
            "                )",
            "            )",
        ].join("\n")));
        assert_eq!(laid_out("if asyncio.current_task().cancelling() > cancelling_before and something_lon:", 12), Some([
            "            if (",
            "                asyncio.current_task().cancelling() > cancelling_before",
            "                and something_lon",
            "            ):",
        ].join("\n")));
        assert_eq!(laid_out("async with cleanup.context(condition) as notified, cleanup.context(pool.connection()) as conn:", 12), Some([
            "            async with (",
            "                cleanup.context(condition) as notified,",
            "                cleanup.context(pool.connection()) as conn,",
            "            ):",
        ].join("\n")));
        assert_eq!(laid_out("with _ProtectedCleanup(5, self.configuration.shutdown_timeout_seconds_value) as cleanup:", 8), Some([
            "        with _ProtectedCleanup(",
            "            5, self.configuration.shutdown_timeout_seconds_value",
            "        ) as cleanup:",
        ].join("\n")));
        assert_eq!(laid_out("log.warning(\"hello this is a long message %s %s\", somethingggggggggggggggg, b)  # comment", 12), Some([
            "            log.warning(",
            "                \"hello this is a long message %s %s\", somethingggggggggggggggg, b",
            "            )  # comment",
        ].join("\n")));
        assert_eq!(laid_out("x = await cleanup(self._client.close_the_connection_now(argument_one, argument_2))", 12), Some([
            "            x = await cleanup(",
            "                self._client.close_the_connection_now(argument_one, argument_2)",
            "            )",
        ].join("\n")));
        assert_eq!(laid_out("await cleanup(short())", 12), None);
        assert_eq!(laid_out("log.warning(\"hello this is a long message %s %s\", somethingggggggggggggggg, b)  # noqa: E501", 12), None);
        // A string too long for any line stays long, on a line of its own.
        assert_eq!(laid_out("logger.info(\"a message that is longer than any line can hold, however it is split\")", 12), Some([
            "            logger.info(",
            "                \"a message that is longer than any line can hold, however it is split\"",
            "            )",
        ].join("\n")));
        assert_eq!(laid_out("await cleanup(asyncio.gather(*(bot.close_the_connection(now) for bot in self.bots_running_now)))", 12), Some([
            "            await cleanup(",
            "                asyncio.gather(",
            "                    *(bot.close_the_connection(now) for bot in self.bots_running_now)",
            "                )",
            "            )",
        ].join("\n")));
        // Code so deep that nothing fits still ends (each item through its comma, once).
        assert!(laid_out("if isinstance(error, (asyncio.CancelledError, KeyboardInterrupt)) and n > 0:", 160).is_some());
        assert!(laid_out("await cleanup(f(a, (b, c,), [d, e], {f: g}))", 160).is_some());
        // Shapes left alone: a comprehension that must be split itself, a `def`.
        assert_eq!(laid_out("await cleanup(asyncio.gather(*(bot.close_the_connection(now, later) for bot in self.bots_running_now)))", 12), None);
        assert_eq!(laid_out("def method_with_a_long_name(self, argument_number_one, argument_number_two, three):", 4), None);
    }
}
