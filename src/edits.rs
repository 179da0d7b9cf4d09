//! The small vocabulary every transform uses to change code: insert statements before a
//! statement or at the end of a suite, replace a statement, add an import. Inserted code
//! follows the file's own indentation and line ending; no transform builds indentation by hand.

use std::cell::{OnceCell, RefCell};

use ruff_diagnostics::{Applicability, Edit, Fix};
use ruff_python_ast::{Stmt, StmtImport};
use ruff_python_codegen::Stylist;
use ruff_python_ast::token::{TokenKind, Tokens};
use ruff_python_trivia::leading_indentation;
use ruff_source_file::LineRanges;
use ruff_text_size::{Ranged, TextLen, TextRange, TextSize};

use crate::source::Module;

mod layout;

/// Code to insert, one entry per line: (nesting depth relative to the suite, line).
#[derive(Clone, Debug, Default)]
pub struct Snippet {
    lines: Vec<(usize, Line)>,
}

/// One line of a snippet as written, or an `if` header whose layout depends on its width.
#[derive(Clone, Debug)]
enum Line {
    Text(String),
    /// `if a and b:`, laid out as black lays it out when it does not fit in [`LINE_LENGTH`]
    /// (see [`Editor::laid_out`]): `if (`, the clauses on a line of their own, else one clause
    /// a line (`and` leading), `):`.
    If(Vec<String>),
    /// `callee(a, b)` as a statement, laid out as black lays it out: on one line if it fits,
    /// else the arguments on a line of their own between `callee(` and `)`, else one argument a
    /// line with a trailing comma.
    Call(String, Vec<String>),
}

impl Snippet {
    pub fn line(text: impl Into<String>) -> Self {
        Snippet { lines: vec![(0, Line::Text(text.into()))] }
    }

    /// `if <clauses joined by and>:`, split over lines when it would not fit.
    pub fn if_all(clauses: &[String]) -> Self {
        Snippet { lines: vec![(0, Line::If(clauses.to_vec()))] }
    }

    /// `callee(arguments…)` as a statement, split over lines when it would not fit.
    pub fn call(callee: impl Into<String>, arguments: &[String]) -> Self {
        Snippet { lines: vec![(0, Line::Call(callee.into(), arguments.to_vec()))] }
    }

    /// Adds a line at the given depth below the suite's own indentation.
    pub fn then(mut self, depth: usize, text: impl Into<String>) -> Self {
        self.lines.push((depth, Line::Text(text.into())));
        self
    }

    /// Appends another snippet, nested `depth` levels deeper.
    pub fn nest(mut self, depth: usize, other: Snippet) -> Self {
        self.lines.extend(other.lines.into_iter().map(|(d, text)| (d + depth, text)));
        self
    }

    /// The lines as (depth, text), each `if` header on one line (for text written outside a
    /// module's own style, such as a new helper module).
    pub fn lines(&self) -> Vec<(usize, String)> {
        let text = |line: &Line| match line {
            Line::Text(text) => text.clone(),
            Line::If(clauses) => format!("if {}:", clauses.join(" and ")),
            Line::Call(callee, arguments) => format!("{callee}({})", arguments.join(", ")),
        };
        self.lines.iter().map(|(depth, line)| (*depth, text(line))).collect()
    }

    fn is_multiline(&self) -> bool {
        self.lines.len() > 1
    }
}

/// A statement list as it sits in the source, with the indentation its statements use.
#[derive(Clone, Copy, Debug)]
pub struct Suite<'a> {
    pub stmts: &'a [Stmt],
    /// Where the compound statement owning this suite starts (`except`, `if`, `try` …).
    pub header: TextSize,
}

impl<'a> Suite<'a> {
    pub fn new(header: TextSize, stmts: &'a [Stmt]) -> Self {
        Suite { stmts, header }
    }
}

/// Where the statements an edit inserts belong: what the engine's structural check holds the
/// fixed module to. Every edit of the vocabulary that adds statements declares one, so a
/// statement that lands anywhere else (a guard parsed at module level instead of inside its
/// handler, an original statement swallowed by an inserted block) is caught before anything is
/// written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Placement {
    /// The edit's start in the text it applies to.
    pub at: TextSize,
    /// The start of a statement of the suite the new statements join; `None` for the module.
    pub suite_member: Option<TextSize>,
    /// The statement right before them (its start), if the edit says.
    pub after: Option<TextSize>,
    /// The statement right after them (its start), if the edit says.
    pub before: Option<TextSize>,
    /// The original code the new statements may hold inside their blocks (a wrapped statement).
    pub wraps: Option<TextRange>,
}

/// Knows the file's style; turns snippets into edits.
pub struct Editor<'a> {
    source: &'a str,
    tokens: &'a Tokens,
    stylist: Stylist<'a>,
    placements: RefCell<Vec<Placement>>,
    /// Where the source has a `\`, in order (found the first time a fix asks).
    backslashes: OnceCell<Vec<TextSize>>,
    /// The target Python accepts `with (a as x, b as y):` (3.9+).
    parenthesized_with: bool,
}

/// The line length of black and ruff's formatter: code a fix lays out on its own lines is kept
/// within it the way they would split it.
pub const LINE_LENGTH: usize = 88;

impl<'a> Editor<'a> {
    pub fn new(source: &'a str, tokens: &'a Tokens) -> Self {
        Editor { source, tokens, stylist: Stylist::from_tokens(tokens, source), placements: RefCell::default(), backslashes: OnceCell::new(), parenthesized_with: false }
    }

    /// For a target that accepts parenthesized context managers (Python 3.9+): a `with` of
    /// several items that does not fit is laid out with them, as both formatters do.
    pub fn with_parenthesized_with(mut self, allowed: bool) -> Self {
        self.parenthesized_with = allowed;
        self
    }

    /// The placements of every statement-adding edit made so far.
    pub fn take_placements(&self) -> Vec<Placement> {
        self.placements.take()
    }

    fn place(&self, at: TextSize, suite: Option<Suite>, after: Option<&Stmt>, before: Option<&Stmt>, wraps: Option<TextRange>) {
        self.placements.borrow_mut().push(Placement {
            at,
            suite_member: suite.and_then(|suite| suite.stmts.first()).map(Ranged::start),
            after: after.map(Ranged::start),
            before: before.map(Ranged::start),
            wraps,
        });
    }

    pub fn source(&self) -> &'a str {
        self.source
    }

    pub fn text(&self, ranged: impl Ranged) -> &'a str {
        &self.source[ranged.range()]
    }

    /// The range of `expr` with the parentheses that group it (`return (a +\n b)` →
    /// `(a +\n b)`, `except (BaseException):` → `(BaseException)`): what a copy of it on a line
    /// of its own, or code inserted right after it, needs.
    pub fn grouped_range(&self, expr: impl Ranged) -> TextRange {
        let mut range = expr.range();
        while let (Some(open), Some(close)) = (self.code_before(range.start()), self.code_after(range.end())) {
            if open.kind() != TokenKind::Lpar || close.kind() != TokenKind::Rpar {
                break;
            }
            // A `(` right after an expression opens a call, not a group.
            if self.code_before(open.start()).is_some_and(|token| ends_expression(token.kind())) {
                break;
            }
            range = TextRange::new(open.start(), close.end());
        }
        range
    }

    /// The text of `expr` with the parentheses that group it.
    pub fn grouped_text(&self, expr: impl Ranged) -> &'a str {
        &self.source[self.grouped_range(expr)]
    }

    /// The node's source on one line, for messages: `(A,\n    B,\n)` reads `(A, B,)`.
    pub fn one_line(&self, ranged: impl Ranged) -> String {
        let joined = self.text(ranged).split_whitespace().collect::<Vec<_>>().join(" ");
        joined.replace("( ", "(").replace(" )", ")")
    }

    /// [`Editor::one_line`], kept short for a reason: a long call's arguments read `(…)`.
    pub fn short(&self, ranged: impl Ranged) -> String {
        const LONG: usize = 60;
        let text = self.one_line(ranged);
        if text.chars().count() <= LONG {
            return text;
        }
        let shortened = elide_first_arguments(&text).unwrap_or(text);
        if shortened.chars().count() <= LONG + 20 {
            return shortened;
        }
        format!("{}…", shortened.chars().take(LONG).collect::<String>())
    }

    /// The comment at the end of the line `stmt` ends on, if nothing but blanks comes between.
    pub fn trailing_comment(&self, stmt: &Stmt) -> Option<TextRange> {
        let line_end = self.source.line_end(stmt.end());
        let rest = &self.source[TextRange::new(stmt.end(), line_end)];
        let comment = rest.trim_start();
        comment.starts_with('#').then(|| TextRange::new(line_end - comment.text_len(), line_end))
    }

    fn newline(&self) -> &'static str {
        self.stylist.line_ending().as_str()
    }

    fn unit(&self) -> &str {
        self.stylist.indentation().as_str()
    }

    /// The indentation of the logical line holding `offset` (a statement's start): the
    /// leading blanks of its first physical line, which may be a line holding only `\`.
    /// A form feed resets the column, as CPython counts it, so only what follows the last one
    /// counts: inserted lines never start with a form feed.
    fn line_indent(&self, offset: TextSize) -> &'a str {
        let mut start = self.logical_line_start(offset);
        loop {
            let line = &self.source[start.to_usize()..];
            let blanks = leading_indentation(line);
            // `\` at column 0 sets no indentation: the next line's does (CPython's rule).
            if blanks.is_empty() && line.starts_with('\\') {
                match line.find(['\n', '\r']) {
                    Some(end) if start + TextSize::try_from(end).unwrap_or_default() < offset => {
                        start = self.source.full_line_end(start + TextSize::try_from(end).unwrap_or_default());
                        continue;
                    }
                    _ => {}
                }
            }
            return blanks.rsplit('\x0c').next().unwrap_or_default();
        }
    }

    /// Where the logical line holding `offset` (a statement's start) begins: after the last
    /// NEWLINE before it and any blank or comment lines, so a line holding only `\` is part of
    /// the statement it continues into.
    fn logical_line_start(&self, offset: TextSize) -> TextSize {
        let before = self.tokens.before(offset);
        let newline = before.iter().rposition(|token| token.kind() == TokenKind::Newline);
        let mut start = newline.map_or(TextSize::default(), |index| before[index].end());
        for token in &before[newline.map_or(0, |index| index + 1)..] {
            match token.kind() {
                TokenKind::NonLogicalNewline => start = token.end(),
                TokenKind::Comment | TokenKind::Indent | TokenKind::Dedent => {}
                _ => break,
            }
        }
        start
    }

    /// The last token before `offset` that is code (not a comment or a non-logical newline).
    fn code_before(&self, offset: TextSize) -> Option<&'a ruff_python_ast::token::Token> {
        self.tokens.before(offset).iter().rev().find(|token| !matches!(token.kind(), TokenKind::Comment | TokenKind::NonLogicalNewline))
    }

    /// The first token at or after `offset` that is code.
    fn code_after(&self, offset: TextSize) -> Option<&'a ruff_python_ast::token::Token> {
        self.tokens.after(offset).iter().find(|token| !matches!(token.kind(), TokenKind::Comment | TokenKind::NonLogicalNewline))
    }

    /// Does the statement at `offset` begin its logical line? Not after `except X:` (a suite on
    /// its header's line, even one continued with `\`), not after `a;`.
    fn starts_line(&self, offset: TextSize) -> bool {
        self.code_before(offset).is_none_or(|token| matches!(token.kind(), TokenKind::Newline | TokenKind::Indent | TokenKind::Dedent))
    }

    /// The indentation of the statements in `suite`; for a suite written on its header's line
    /// (`except X: pass`) the indentation it gets once it is broken onto its own lines.
    pub fn indent_of(&self, suite: Suite) -> String {
        match suite.stmts.first() {
            Some(first) if self.starts_line(first.start()) => self.line_indent(first.start()).to_string(),
            _ => format!("{}{}", self.line_indent(suite.header), self.unit()),
        }
    }

    /// The indentation one level below a statement's own.
    pub fn indent_below(&self, stmt: &Stmt) -> String {
        format!("{}{}", self.line_indent(stmt.start()), self.unit())
    }

    /// Where code at `indent` goes, for [`layout`].
    fn frame(&self, indent: &str) -> layout::Frame {
        layout::Frame { indent: width(indent), unit: width(self.unit()), parenthesized_with: self.parenthesized_with }
    }

    /// `code`, one logical line at `indent`, as black lays it out: unchanged if it fits in
    /// [`LINE_LENGTH`] (or is a shape [`layout`] leaves alone), else split over lines.
    fn laid_out(&self, code: &str, indent: &str) -> String {
        match layout::split(code, self.frame(indent)) {
            Some(lines) => self.join_lines(&lines, indent),
            None => code.to_string(),
        }
    }

    /// Lines from [`layout::split`] as text that starts at `indent`'s column.
    fn join_lines(&self, lines: &[(usize, String)], indent: &str) -> String {
        let mut out = String::new();
        for (i, (depth, text)) in lines.iter().enumerate() {
            if i > 0 {
                out.push_str(self.newline());
                out.push_str(indent);
                out.push_str(&self.unit().repeat(*depth));
            }
            out.push_str(text);
        }
        out
    }

    /// The edit that lays out `range` (code on one physical line, from a statement's start to
    /// its line's end, comment included) at `indent` as black would, once `changes` are made
    /// in it; `None` if it then fits (or [`layout`] leaves it alone).
    fn layout_replacement(&self, range: TextRange, changes: &[(TextRange, String)], indent: &str) -> Option<Edit> {
        // Trailing whitespace stays as it is: it is not the statement's, and the laid-out code
        // ends where the code does.
        let code_end = range.start() + TextSize::try_from(self.source[range].trim_end().len()).unwrap_or_default();
        let range = match changes.iter().all(|(at, _)| at.end() <= code_end) {
            true => TextRange::new(range.start(), code_end),
            false => range,
        };
        let mut code = String::new();
        let mut cursor = range.start();
        for (at, with) in changes {
            code.push_str(&self.source[TextRange::new(cursor, at.start())]);
            code.push_str(with);
            cursor = at.end();
        }
        code.push_str(&self.source[TextRange::new(cursor, range.end())]);
        let code = code.trim_end();
        let lines = layout::split(code, self.frame(indent))?;
        Some(changed_part(&self.source[range], &self.join_lines(&lines, indent), range.start()))
    }

    fn render(&self, snippet: &Snippet, indent: &str) -> String {
        let mut out = String::new();
        for (i, (depth, line)) in snippet.lines.iter().enumerate() {
            if i > 0 {
                out.push_str(self.newline());
                out.push_str(indent);
            }
            let own = self.unit().repeat(*depth);
            out.push_str(&own);
            let at = format!("{indent}{own}");
            match line {
                Line::Text(text) => out.push_str(text),
                Line::If(clauses) => out.push_str(&self.laid_out(&format!("if {}:", clauses.join(" and ")), &at)),
                Line::Call(callee, arguments) => out.push_str(&self.laid_out(&format!("{callee}({})", arguments.join(", ")), &at)),
            }
        }
        out
    }

    /// The edits that make `suite` take new statements: a statement on its header's line or
    /// after `;` (`except X: stmt`, `a; stmt`) moves onto a line of its own at `indent` (in a
    /// suite written on its header's line the first statement moves too, or `stmt` would be an
    /// indented block after a header that already has its body), and a statement whose line
    /// begins with lines holding only `\` loses them: CPython gives such a line the column of
    /// its first `\` for both of its tab sizes, so next to an ordinary line of the same
    /// indentation it is a TabError. These edits are the same for every statement of the
    /// suite, so two fixes there share them and either one parses alone.
    fn break_before(&self, suite: Suite, stmt: &Stmt, indent: &str) -> Vec<Edit> {
        let mut edits = Vec::new();
        if let Some(first) = suite.stmts.first().filter(|first| first.start() < stmt.start()) {
            edits.extend(self.break_before(Suite { stmts: &[], ..suite }, first, indent));
        }
        if !self.starts_line(stmt.start()) {
            edits.push(Edit::range_replacement(format!("{}{indent}", self.newline()), self.separator_before(stmt.start())));
        }
        edits.extend(self.continuations_in(suite, indent));
        edits
    }

    /// Whether `range` of the source holds a `\`: a search, not a scan, since every fix in a
    /// long block asks about the block's whole text.
    fn has_backslash(&self, range: TextRange) -> bool {
        let backslashes = self.backslashes.get_or_init(|| self.source.match_indices('\\').filter_map(|(at, _)| TextSize::try_from(at).ok()).collect());
        let first = backslashes.partition_point(|&at| at < range.start());
        backslashes.get(first).is_some_and(|&at| at < range.end())
    }

    /// For each statement of `suite` whose logical line begins with lines holding only `\`,
    /// the edit that replaces them with `indent`.
    fn continuations_in(&self, suite: Suite, indent: &str) -> Vec<Edit> {
        let (Some(first), Some(last)) = (suite.stmts.first(), suite.stmts.last()) else { return Vec::new() };
        if !self.has_backslash(TextRange::new(self.logical_line_start(first.start()), last.start())) {
            return Vec::new();
        }
        suite
            .stmts
            .iter()
            .filter(|stmt| self.starts_line(stmt.start()))
            .filter_map(|stmt| {
                let start = self.logical_line_start(stmt.start());
                (self.source.line_start(stmt.start()) != start).then(|| Edit::range_replacement(indent.to_string(), TextRange::new(start, stmt.start())))
            })
            .collect()
    }

    /// What separates the statement at `offset` from the code before it on its logical line:
    /// from the end of that code through blanks, `\` continuations and a `;` (`a;  b` →
    /// `;  `), so a statement moved off the line leaves no `a;` or `\` behind.
    fn separator_before(&self, offset: TextSize) -> TextRange {
        let code = |token: &ruff_python_ast::token::Token| !matches!(token.kind(), TokenKind::Comment | TokenKind::NonLogicalNewline);
        let mut before = self.tokens.before(offset).iter().rev().filter(|token| code(token));
        match before.next() {
            Some(semicolon) if semicolon.kind() == TokenKind::Semi => {
                TextRange::new(before.next().map_or(semicolon.start(), Ranged::end), offset)
            }
            Some(token) => TextRange::new(token.end(), offset),
            None => TextRange::empty(offset),
        }
    }

    /// Inserts `snippet` as statements right before `stmt`, a member of `suite`.
    pub fn insert_before(&self, suite: Suite, stmt: &Stmt, snippet: &Snippet) -> Vec<Edit> {
        let indent = self.indent_of(suite);
        let mut edits = self.break_before(suite, stmt, &indent);
        let text = format!("{}{}{indent}", self.render(snippet, &indent), self.newline());
        self.place(stmt.start(), Some(suite), None, Some(stmt), None);
        edits.push(Edit::insertion(text, stmt.start()));
        edits
    }

    /// Where code that follows `stmt` on its own lines goes: the end of its logical line,
    /// after its trailing comment.
    fn end_of_logical_line(&self, stmt: &Stmt) -> TextSize {
        self.tokens
            .after(stmt.end())
            .iter()
            .find(|token| token.kind() == TokenKind::Newline)
            .map_or_else(|| self.source.text_len(), Ranged::start)
    }

    /// Inserts `snippet` as statements before `stmt` and before the comment lines right above
    /// it, which belong to `stmt` (`# noinspection …`, `# wait for the reader`).
    pub fn insert_above(&self, suite: Suite, stmt: &Stmt, snippet: &Snippet) -> Vec<Edit> {
        if !self.starts_line(stmt.start()) {
            return self.insert_before(suite, stmt, snippet);
        }
        let indent = self.line_indent(stmt.start());
        let mut first = self.source.line_start(stmt.start());
        while first > TextSize::default() {
            let previous = self.source.line_start(first - TextSize::new(1));
            let line = &self.source[TextRange::new(previous, first)];
            if !(line.starts_with(indent) && line[indent.len()..].starts_with('#') && self.is_comment_at(previous + indent.text_len())) {
                break;
            }
            first = previous;
        }
        if first == self.source.line_start(stmt.start()) {
            return self.insert_before(suite, stmt, snippet);
        }
        let indent_of_suite = self.indent_of(suite);
        self.place(first, Some(suite), None, Some(stmt), None);
        vec![Edit::insertion(format!("{indent_of_suite}{}{}", self.render(snippet, &indent_of_suite), self.newline()), first)]
    }

    /// A comment token starts at `offset` (not a `#` inside a string).
    fn is_comment_at(&self, offset: TextSize) -> bool {
        let tokens = self.tokens.as_ref();
        tokens
            .binary_search_by(|token| token.start().cmp(&offset))
            .is_ok_and(|index| tokens[index].kind() == ruff_python_ast::token::TokenKind::Comment)
    }

    /// Appends `snippet` after the last statement of `suite` (after its trailing comment).
    pub fn append(&self, suite: Suite, snippet: &Snippet) -> Vec<Edit> {
        let (Some(first), Some(last)) = (suite.stmts.first(), suite.stmts.last()) else {
            return Vec::new();
        };
        let indent = self.indent_of(suite);
        let mut edits = self.break_before(suite, first, &indent);
        let text = format!("{}{indent}{}", self.newline(), self.render(snippet, &indent));
        let at = self.end_of_logical_line(last);
        self.place(at, Some(suite), Some(last), None, None);
        edits.push(Edit::insertion(text, at));
        edits
    }

    /// Inserts `snippet` as statements right after `stmt` (and its trailing comment), at the
    /// indentation of `suite`, the suite holding `stmt`.
    /// When `a(); b()` share a line, the snippet goes right after `a()` and `b()` moves to a
    /// line of its own, so it stays outside whatever was wrapped around `a()`.
    pub fn insert_after(&self, suite: Suite, stmt: &Stmt, snippet: &Snippet) -> Edit {
        let edit = self.insert_after_unplaced(suite, stmt, snippet);
        self.place(edit.start(), Some(suite), Some(stmt), None, None);
        edit
    }

    fn insert_after_unplaced(&self, suite: Suite, stmt: &Stmt, snippet: &Snippet) -> Edit {
        let indent = self.indent_of(suite);
        let nl = self.newline();
        let text = format!("{nl}{indent}{}", self.render(snippet, &indent));
        match self.code_after(stmt.end()) {
            Some(semicolon) if semicolon.kind() == TokenKind::Semi => match self.code_after(semicolon.end()) {
                // `a();` ending its line: the `;` goes.
                Some(next) if next.kind() == TokenKind::Newline => Edit::range_replacement(text, TextRange::new(stmt.end(), semicolon.end())),
                // `a(); b()`: `b()` moves to a line of its own.
                Some(next) => Edit::range_replacement(format!("{text}{nl}{indent}"), TextRange::new(stmt.end(), next.start())),
                None => Edit::range_replacement(text, TextRange::new(stmt.end(), semicolon.end())),
            },
            _ => Edit::insertion(text, self.end_of_logical_line(stmt)),
        }
    }

    /// Nests `stmt` in block headers, each one level deeper than the last (`try:`,
    /// `async with …:`), preceded by `before` and followed by `after` at the suite's level (the
    /// handler). The statement itself, its trailing comment and the continuation lines of a
    /// multi-line statement keep their text: inside brackets indentation does not matter.
    pub fn wrap(&self, suite: Suite, stmt: &Stmt, before: &Snippet, headers: &[String], after: &Snippet) -> Vec<Edit> {
        let indent = self.indent_of(suite);
        let nl = self.newline();
        let mut edits = self.break_before(suite, stmt, &indent);
        let mut head = String::new();
        if !before.lines.is_empty() {
            head.push_str(&format!("{}{nl}{indent}", self.render(before, &indent)));
        }
        for (depth, header) in headers.iter().enumerate() {
            head.push_str(&format!("{header}{nl}{indent}{}", self.unit().repeat(depth + 1)));
        }
        self.place(stmt.start(), Some(suite), None, None, Some(stmt.range()));
        edits.push(Edit::insertion(head, stmt.start()));
        // What follows the statement (the handler of the inserted `try`) belongs to the block.
        edits.push(self.insert_after_unplaced(suite, stmt, after));
        edits
    }

    /// Nests the statements `first` ..= `last` of `suite` under a block header (`with …:`),
    /// one level deeper: every line they span is re-indented, continuation lines of a
    /// multi-line statement included, except lines that start inside a string literal (their
    /// indentation is part of the string). The statements themselves keep their text, but for
    /// a line the extra level pushes past [`LINE_LENGTH`], which is laid out as black would lay
    /// it out there (only blanks between its tokens change). The lines of each `owned` range
    /// (a statement whose layout a wrap of the same fix makes, [`Editor::wrap_in_call`]) are
    /// left to that wrap but for the first line's indentation.
    pub fn nest(&self, suite: Suite, first: &Stmt, last: &Stmt, header: &str, owned: &[TextRange]) -> Vec<Edit> {
        let indent = self.indent_of(suite);
        let nl = self.newline();
        let unit = self.unit();
        let mut edits = self.break_before(suite, first, &indent);
        // The header takes the first statement's place (on a line of its own once
        // `break_before` has moved it there); the statement goes one level deeper.
        let header = self.laid_out(header, &indent);
        edits.push(Edit::insertion(format!("{header}{nl}{indent}{unit}"), first.start()));
        let span = TextRange::new(first.start(), last.end());
        // Statements after `last` on its line (`a(); b()`) go into the block with it.
        self.place(first.start(), Some(suite), None, None, Some(TextRange::new(first.start(), self.end_of_logical_line(last))));
        let strings = self.string_interiors(span);
        // Statements laid out again here, whose later lines are then no longer re-indented.
        let mut relaid: Vec<TextRange> = Vec::new();
        let mut line = self.source.full_line_end(first.start());
        while line < span.end() {
            let line_end = self.source.line_end(line);
            let text = &self.source[TextRange::new(line, line_end)];
            let left_to_a_wrap = owned.iter().chain(&relaid).any(|range| range.start() < line && line < range.end());
            if !text.trim().is_empty() && !left_to_a_wrap && !strings.iter().any(|s| s.start() < line && line < s.end()) {
                // After the suite's own indentation, so that every line of the block starts the
                // way its first does (`\t` + unit, never unit + `\t`: CPython's TabError), and
                // after a form feed, which resets CPython's count of the indentation.
                let blanks = text.len() - text.trim_start_matches([' ', '\t', '\x0c']).len();
                let after_feed = text[..blanks].rfind('\x0c').map_or(0, |feed| feed + 1);
                let own = if text[after_feed..].starts_with(indent.as_str()) { indent.len() } else { 0 };
                let at = line + TextSize::try_from(after_feed + own).unwrap_or_default();
                edits.push(Edit::insertion(unit.to_string(), at));
                let code = line + TextSize::try_from(blanks).unwrap_or_default();
                if !owned.iter().any(|range| range.contains_inclusive(code)) {
                    let deeper = format!("{}{unit}{}", &text[..after_feed + own], &text[after_feed + own..blanks]);
                    if let Some((edit, range)) = self.relayout_pushed_past(code, &deeper) {
                        edits.push(edit);
                        relaid.push(range);
                    }
                }
            }
            line = self.source.full_line_end(line);
        }
        edits
    }

    /// The statement (or block header) starting at `code`, about to go one level deeper to
    /// `deeper`, laid out as black would lay it out there, if the extra level pushes one of its
    /// lines past [`LINE_LENGTH`] and none was past it before: the edit, and the range it lays
    /// out. A statement spread over lines is joined first, unless a comment, a string spanning
    /// lines or a trailing comma keeps it split (black keeps those lines; so does this).
    fn relayout_pushed_past(&self, code: TextSize, deeper: &str) -> Option<(Edit, TextRange)> {
        if !self.starts_line(code) {
            return None;
        }
        let end = self.tokens.after(code).iter().find(|token| token.kind() == TokenKind::Newline)?.start();
        let unit = width(self.unit());
        let (mut pushed, mut line) = (false, self.source.line_start(code));
        loop {
            let columns = width(&self.source[TextRange::new(line, self.source.line_end(line))]);
            if columns > LINE_LENGTH {
                return None;
            }
            pushed |= columns + unit > LINE_LENGTH;
            let next = self.source.full_line_end(line);
            if next > end || next == line {
                break;
            }
            line = next;
        }
        let range = TextRange::new(code, end);
        if !pushed {
            return None;
        }
        let statement_end = self.code_before(end).map_or(end, Ranged::end);
        let joins = self.line_joins(TextRange::new(code, statement_end));
        if self.source[TextRange::new(code, statement_end)].contains(['\n', '\r']) && joins.is_empty() {
            return None;
        }
        let changes: Vec<(TextRange, String)> = joins.iter().map(|(range, with)| (*range, with.to_string())).collect();
        self.layout_replacement(range, &changes, deeper).map(|edit| (edit, range))
    }

    /// The ranges of the string literals (f-strings and t-strings whole) within `range`.
    fn string_interiors(&self, range: TextRange) -> Vec<TextRange> {
        use ruff_python_ast::token::TokenKind;
        let mut interiors = Vec::new();
        let mut open = Vec::new();
        for token in self.tokens.in_range(range) {
            match token.kind() {
                TokenKind::String => interiors.push(token.range()),
                TokenKind::FStringStart | TokenKind::TStringStart => open.push(token.start()),
                TokenKind::FStringEnd | TokenKind::TStringEnd => {
                    if let Some(start) = open.pop() {
                        interiors.push(TextRange::new(start, token.end()));
                    }
                }
                _ => {}
            }
        }
        interiors
    }

    /// Wraps `stmt` in `try:` … `handler`, preceded by `before`.
    pub fn wrap_in_try(&self, suite: Suite, stmt: &Stmt, before: &Snippet, handler: &Snippet) -> Vec<Edit> {
        self.wrap(suite, stmt, before, &["try:".to_string()], handler)
    }

    /// Replaces `stmt`, a member of `suite`, with `snippet`.
    pub fn replace(&self, suite: Suite, stmt: &Stmt, snippet: &Snippet) -> Vec<Edit> {
        let indent = self.indent_of(suite);
        let mut edits = Vec::new();
        if snippet.is_multiline() {
            edits.extend(self.break_before(suite, stmt, &indent));
        }
        self.place_replacing(suite, stmt);
        edits.push(Edit::range_replacement(self.render(snippet, &indent), stmt.range()));
        edits
    }

    /// Replaces `range`, the start of `stmt` (its keyword), with `text`, turning it into another
    /// statement in the same place (`yield x` → `item = x`).
    pub fn replace_statement_start(&self, suite: Suite, stmt: &Stmt, range: TextRange, text: &str) -> Edit {
        self.place_replacing(suite, stmt);
        Edit::range_replacement(text.to_string(), range)
    }

    /// Moves `last`, the last statement of the block of `stmt` (a member of `suite`) and the
    /// first on its line, out of that block: it follows `stmt`, at `suite`'s indentation.
    pub fn move_after_block(&self, suite: Suite, stmt: &Stmt, last: &Stmt) -> Edit {
        let line_start = self.source.line_start(last.start());
        self.place(line_start, Some(suite), Some(stmt), None, None);
        Edit::range_replacement(format!("{}{}", self.indent_of(suite), self.text(last)), TextRange::new(line_start, last.end()))
    }

    /// Declares the statements that replace `stmt`: between its neighbours in `suite`.
    fn place_replacing(&self, suite: Suite, stmt: &Stmt) {
        let position = suite.stmts.iter().position(|s| std::ptr::eq(s, stmt));
        let after = position.and_then(|i| i.checked_sub(1)).and_then(|i| suite.stmts.get(i));
        let before = position.and_then(|i| suite.stmts.get(i + 1));
        self.place(stmt.start(), Some(suite), after, before, None);
    }

    /// Replaces the header of the compound statement `stmt` (everything before its block's
    /// colon) with `keyword` (`with suppress(X):` → `try:`); the block is kept as it is. The
    /// header's comments move to lines of their own right above the statement.
    pub fn replace_header(&self, suite: Suite, stmt: &Stmt, keyword: &str) -> Vec<Edit> {
        let Some(colon) = self.block_colon(stmt) else { return Vec::new() };
        let header = TextRange::new(stmt.start(), colon);
        let mut edits = vec![Edit::range_replacement(keyword.to_string(), header)];
        let comments: String = self
            .tokens
            .in_range(header)
            .iter()
            .filter(|token| token.kind() == TokenKind::Comment)
            .map(|comment| format!("{}{}{}", self.line_indent(stmt.start()), &self.source[comment.range()], self.newline()))
            .collect();
        if !comments.is_empty() {
            edits.push(Edit::insertion(comments, self.logical_line_start(stmt.start())));
        }
        self.place(stmt.start(), Some(suite), None, None, Some(stmt.range()));
        edits
    }

    /// The colon that opens the block of the compound statement `stmt`: the first `:` outside
    /// brackets after its keyword (a `:` in a comment or a lambda inside the header is not it).
    fn block_colon(&self, stmt: impl Ranged) -> Option<TextSize> {
        let mut depth = 0u32;
        for token in self.tokens.after(stmt.start()) {
            match token.kind() {
                TokenKind::Lpar | TokenKind::Lsqb | TokenKind::Lbrace => depth += 1,
                TokenKind::Rpar | TokenKind::Rsqb | TokenKind::Rbrace => depth = depth.saturating_sub(1),
                TokenKind::Colon if depth == 0 => return Some(token.start()),
                _ => {}
            }
        }
        None
    }

    /// Replaces `stmt` with `snippet`. A comment trailing `stmt` described the code being
    /// replaced (`return  # cancellations are expected here`), so it moves onto a line of its
    /// own above the replacement rather than trail new code it may contradict.
    pub fn replace_moving_comment(&self, suite: Suite, stmt: &Stmt, snippet: &Snippet) -> Vec<Edit> {
        let Some(comment) = self.trailing_comment(stmt) else { return self.replace(suite, stmt, snippet) };
        let snippet = Snippet::line(self.text(comment).trim_end()).nest(0, snippet.clone());
        let indent = self.indent_of(suite);
        let mut edits = self.break_before(suite, stmt, &indent);
        self.place_replacing(suite, stmt);
        edits.push(Edit::range_replacement(self.render(&snippet, &indent), TextRange::new(stmt.start(), comment.end())));
        edits
    }

    /// Does [`Editor::wrap_in_call`] lay out `statement` (and so own its lines)? When it is a
    /// simple statement alone on its lines (a trailing comment aside) that `range` ends, and
    /// whose first line holds the start of `range`.
    pub fn wraps_whole_statement(&self, statement: &Stmt, range: TextRange) -> bool {
        let simple = matches!(statement, Stmt::Expr(_) | Stmt::Assign(_) | Stmt::AugAssign(_) | Stmt::AnnAssign(_) | Stmt::Return(_));
        let after = &self.source[TextRange::new(statement.end(), self.source.line_end(statement.end()))];
        simple
            && range.end() == statement.end()
            && self.starts_line(statement.start())
            && (after.trim().is_empty() || after.trim_start().starts_with('#'))
            && !self.source[TextRange::new(statement.start(), range.start())].contains(['\n', '\r'])
    }

    /// Wraps an expression in a call, `function(expr)`. When the expression ends `statement`
    /// ([`Editor::wraps_whole_statement`]), `depth` levels deeper than it is now (a block a
    /// fix nests it in), the statement is laid out as black and ruff's formatter lay it out
    /// ([`layout`]): an expression that spans lines is first joined onto one line (unless a
    /// comment, a string or a trailing comma keeps it split), which stays as it is if it fits
    /// in [`LINE_LENGTH`] and is split as black splits it if not; an expression that stays
    /// split goes one level deeper between `function(` and a `)` of its own, except inside
    /// strings.
    pub fn wrap_in_call(&self, range: TextRange, function: &str, statement: Option<&Stmt>, depth: usize) -> Vec<Edit> {
        let open = Edit::insertion(format!("{function}("), range.start());
        let close = Edit::insertion(")".to_string(), range.end());
        let Some(statement) = statement.filter(|statement| self.wraps_whole_statement(statement, range)) else { return vec![open, close] };
        let (nl, unit) = (self.newline(), self.unit());
        let indent = format!("{}{}", self.line_indent(statement.start()), unit.repeat(depth));
        let joins = self.line_joins(range);
        let with_joins = |mut edits: Vec<Edit>| {
            edits.extend(joins.iter().map(|(range, with)| match *with {
                "" => Edit::range_deletion(*range),
                with => Edit::range_replacement(with.to_string(), *range),
            }));
            edits
        };
        let multiline = self.source[range].contains(['\n', '\r']);
        if !multiline || !joins.is_empty() {
            let whole = TextRange::new(statement.start(), self.source.line_end(statement.end()));
            let mut changes: Vec<(TextRange, String)> = joins.iter().map(|(range, with)| (*range, with.to_string())).collect();
            changes.push((TextRange::empty(range.start()), format!("{function}(")));
            changes.push((TextRange::empty(range.end()), ")".to_string()));
            changes.sort_by_key(|(range, _)| (range.start(), range.end()));
            if let Some(laid_out) = self.layout_replacement(whole, &changes, &indent) {
                return vec![laid_out];
            }
            let joined_len = |text: &str| text.chars().count() - joins.iter().map(|(range, with)| self.source[*range].chars().count() - with.len()).sum::<usize>();
            let statement_text = &self.source[TextRange::new(statement.start(), self.source.line_end(range.end()))];
            if width(&indent) + joined_len(statement_text.trim_end()) + function.chars().count() + 2 <= LINE_LENGTH {
                return with_joins(vec![open, close]);
            }
            // A shape `layout` leaves alone: the expression on a line of its own, if it fits.
            if width(&indent) + width(unit) + joined_len(&self.source[range]) <= LINE_LENGTH {
                let open = Edit::insertion(format!("{function}({nl}{indent}{unit}"), range.start());
                let close = Edit::insertion(format!("{nl}{indent})"), range.end());
                return with_joins(vec![open, close]);
            }
        }
        let open = Edit::insertion(format!("{function}({nl}{indent}{unit}"), range.start());
        let close = Edit::insertion(format!("{nl}{indent})"), range.end());
        let mut edits = vec![open];
        let mut at = range.start();
        let deeper = unit.repeat(1 + depth);
        while let Some(newline) = self.source[TextRange::new(at, range.end())].find('\n') {
            at += TextSize::try_from(newline + 1).unwrap_or_default();
            let blank = self.source[TextRange::new(at, self.source.line_end(at))].trim().is_empty();
            if !self.inside_token(at) && !blank {
                edits.push(Edit::insertion(deeper.clone(), at));
            }
        }
        edits.push(close);
        edits
    }

    /// Wraps each item of an `async with` header in a call, `function(item)`. When the header
    /// is on one line and ends it (a trailing comment aside), it is laid out as black would lay
    /// it out `depth` levels deeper than it is now.
    pub fn wrap_with_items(&self, with: &ruff_python_ast::StmtWith, function: &str, depth: usize) -> Vec<Edit> {
        let wraps: Vec<(TextRange, String)> = with
            .items
            .iter()
            .flat_map(|item| {
                let expr = item.context_expr.range();
                [(TextRange::empty(expr.start()), format!("{function}(")), (TextRange::empty(expr.end()), ")".to_string())]
            })
            .collect();
        let plain = || wraps.iter().map(|(at, text)| Edit::insertion(text.clone(), at.start())).collect();
        let Some(colon) = self.block_colon(with) else { return plain() };
        let line_end = self.source.line_end(colon);
        let rest = self.source[TextRange::new(colon + TextSize::new(1), line_end)].trim_start();
        let one_line = !self.source[TextRange::new(with.start(), colon)].contains(['\n', '\r']);
        if !self.starts_line(with.start()) || !one_line || !(rest.is_empty() || rest.starts_with('#')) {
            return plain();
        }
        let indent = format!("{}{}", self.line_indent(with.start()), self.unit().repeat(depth));
        match self.layout_replacement(TextRange::new(with.start(), line_end), &wraps, &indent) {
            Some(laid_out) => vec![laid_out],
            None => plain(),
        }
    }

    /// The range of the header of `with` (from its start to its block's colon), which
    /// [`Editor::wrap_with_items`] may lay out.
    pub fn with_header(&self, with: &ruff_python_ast::StmtWith) -> TextRange {
        let colon = self.block_colon(with).unwrap_or(with.start());
        TextRange::new(with.start(), colon)
    }

    /// Whether `offset` falls strictly inside a token (a string spanning lines).
    fn inside_token(&self, offset: TextSize) -> bool {
        let after = self.tokens.partition_point(|token| token.start() < offset);
        self.tokens[..after].last().is_some_and(|token| token.end() > offset)
    }

    /// The replacements that put a bracketed expression spanning lines on one line, as black
    /// joins it: each line break and the blanks around it become one space, or nothing inside
    /// brackets and before a comma or a dot; none if
    /// a comment, a string spanning lines or a trailing comma (black's "magic" one) keeps it split.
    fn line_joins(&self, range: TextRange) -> Vec<(TextRange, &'static str)> {
        let text = &self.source[range];
        if !text.contains('\n') {
            return Vec::new();
        }
        let first = self.tokens.partition_point(|token| token.start() < range.start());
        let mut inside = self.tokens[first..].iter().take_while(|token| token.end() <= range.end());
        if inside.any(|token| token.kind() == TokenKind::Comment) {
            return Vec::new();
        }
        let mut joins = Vec::new();
        let mut search = 0;
        while let Some(newline) = text[search..].find('\n') {
            let at = search + newline;
            let start = text[..at].trim_end_matches([' ', '\t', '\r']).len();
            let end = at + 1 + (text[at + 1..].len() - text[at + 1..].trim_start_matches([' ', '\t']).len());
            let (before, next) = (text[..start].chars().last(), text[end..].chars().next());
            let absolute = range.start() + TextSize::try_from(start).unwrap_or_default();
            if self.inside_token(absolute + TextSize::from(1)) || text[..start].ends_with('\\') || (before == Some(',') && matches!(next, Some(')' | ']' | '}'))) {
                return Vec::new();
            }
            let tight = matches!(before, Some('(' | '[' | '{')) || matches!(next, Some(')' | ']' | '}' | '.' | ','));
            let with = if tight { "" } else { " " };
            joins.push((TextRange::new(absolute, range.start() + TextSize::try_from(end).unwrap_or_default()), with));
            search = end;
        }
        joins
    }

    /// Inserts text right after an expression or header part, on the same line.
    pub fn insert_at(&self, at: TextSize, text: impl Into<String>) -> Edit {
        Edit::insertion(text.into(), at)
    }

    /// The edit that adds `import {module}` to the module: where isort and ruff's I001 put it,
    /// in its section (the standard library's, or the third-party one for anyio and trio):
    /// among the leading block's `import x` lines of that section in sorted order, else before
    /// its `from` imports; else as a section of its own, the standard library's before the
    /// others and a third-party one after the standard library's; with no imports, where
    /// imports go.
    pub fn add_import(&self, parsed: &Module, module: &str, alias: Option<&str>) -> Edit {
        let nl = self.newline();
        let body = &parsed.syntax().body;
        let block: Vec<&Stmt> = body
            .iter()
            .skip_while(|stmt| is_docstring_or_future(stmt, body))
            .take_while(|stmt| matches!(stmt, Stmt::Import(_) | Stmt::ImportFrom(_)))
            .collect();
        // Only a block of whole lines can take a line of its own between its statements.
        let own_lines = block.iter().all(|stmt| {
            self.starts_line(stmt.start()) && {
                let rest = &self.source[TextRange::new(stmt.end(), self.source.line_end(stmt.end()))];
                rest.trim().is_empty() || rest.trim_start().starts_with('#')
            }
        });
        if block.is_empty() || !own_lines {
            return self.add_module_code(parsed, &Snippet::line(import_line(module, alias)));
        }
        let stdlib = |name: &str| ruff_python_stdlib::sys::is_known_standard_library(11, name.split('.').next().unwrap_or(name));
        let standard = stdlib(module);
        let straight: Vec<(&Stmt, String)> = block
            .iter()
            .filter_map(|stmt| match stmt {
                Stmt::Import(import) => import.names.first().map(|alias| (*stmt, alias.name.to_lowercase())),
                _ => None,
            })
            .filter(|(_, name)| stdlib(name) == standard)
            .collect();
        let line = import_line(module, alias);
        let module_suite = Suite::new(TextSize::default(), body);
        let before = |next: &Stmt, text: String| {
            let at = self.source.line_start(next.start());
            self.place(at, Some(module_suite), None, Some(next), None);
            Edit::insertion(text, at)
        };
        if let Some((next, _)) = straight.iter().find(|(_, name)| name.as_str() > module) {
            return before(next, format!("{line}{nl}"));
        }
        if let Some((last, _)) = straight.last() {
            let at = self.source.line_end(last.end());
            self.place(at, Some(module_suite), Some(last), None, None);
            return Edit::insertion(format!("{nl}{line}"), at);
        }
        let in_section = |stmt: &&&Stmt| matches!(stmt, Stmt::ImportFrom(from) if from.level == 0 && from.module.as_deref().is_some_and(|m| stdlib(m) == standard));
        if let Some(from) = block.iter().find(in_section) {
            return before(from, format!("{line}{nl}"));
        }
        let last_standard = block.iter().rev().find(|stmt| match stmt {
            Stmt::Import(import) => import.names.first().is_some_and(|alias| stdlib(&alias.name)),
            Stmt::ImportFrom(from) => from.level == 0 && from.module.as_deref().is_some_and(&stdlib),
            _ => false,
        });
        match last_standard {
            Some(last) if !standard => {
                let at = self.source.line_end(last.end());
                self.place(at, Some(module_suite), Some(last), None, None);
                Edit::insertion(format!("{nl}{nl}{line}"), at)
            }
            _ => before(block[0], format!("{line}{nl}{nl}")),
        }
    }

    /// The edit that adds top-level code where imports go: after the docstring and the
    /// `__future__` imports, before the first other statement.
    pub fn add_module_code(&self, parsed: &Module, code: &Snippet) -> Edit {
        let body = &parsed.syntax().body;
        let anchor = body.iter().find(|stmt| !is_docstring_or_future(stmt, body));
        let edit = self.add_module_code_unplaced(anchor, code);
        let module = Suite::new(TextSize::default(), body);
        match anchor {
            Some(anchor) => self.place(edit.start(), Some(module), None, Some(anchor), None),
            None => self.place(edit.start(), Some(module), body.last(), None, None),
        }
        edit
    }

    fn add_module_code_unplaced(&self, anchor: Option<&Stmt>, code: &Snippet) -> Edit {
        let text = self.render(code, "");
        match anchor {
            // `from __future__ import x; import os`: the code goes between the two, on lines of
            // its own after the `;` (which may end a line). An insertion, not a replacement of
            // the `; `: several fixes add code here (imports, a helper), and one point takes
            // them all, in order.
            Some(stmt) if !self.starts_line(stmt.start()) => Edit::insertion(format!("{nl}{text}{nl}", nl = self.newline()), stmt.start()),
            Some(stmt) => {
                let at = self.source.line_start(stmt.start());
                Edit::insertion(format!("{text}{}", self.newline()), at)
            }
            None => {
                let end = self.source.text_len();
                let sep = if self.source.is_empty() || self.source.ends_with(['\n', '\r']) { "" } else { self.newline() };
                Edit::insertion(format!("{sep}{text}{}", self.newline()), end)
            }
        }
    }

    /// The edit that adds top-level code on the lines right after `stmt`, a top-level statement.
    pub fn add_module_code_after(&self, module: &Module, stmt: &Stmt, code: &Snippet) -> Edit {
        let at = self.source.line_end(stmt.end());
        self.place(at, Some(Suite::new(TextSize::default(), &module.syntax().body)), Some(stmt), None, None);
        Edit::insertion(format!("{}{}", self.newline(), self.render(code, "")), at)
    }

    /// The file's preferred quote character for inserted string literals.
    pub fn quote(&self) -> char {
        self.stylist.quote().as_char()
    }
}

/// Tokens an expression can end with (so a `(` after one opens a call, and an operator after
/// one is binary).
fn ends_expression(kind: TokenKind) -> bool {
    matches!(
        kind,
        TokenKind::Name
            | TokenKind::Int
            | TokenKind::Float
            | TokenKind::Complex
            | TokenKind::String
            | TokenKind::FStringEnd
            | TokenKind::TStringEnd
            | TokenKind::Rpar
            | TokenKind::Rsqb
            | TokenKind::Rbrace
            | TokenKind::None
            | TokenKind::True
            | TokenKind::False
            | TokenKind::Ellipsis
    )
}

/// `f(a, b) from e` → `f(…) from e`: the first bracketed group's contents elided (quotes
/// respected); `None` when there is none.
fn elide_first_arguments(text: &str) -> Option<String> {
    let open = text.find('(')?;
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for (i, c) in text[open..].char_indices() {
        match (quote, c) {
            (Some(_), '\\') if !escaped => {
                escaped = true;
                continue;
            }
            (Some(q), c) if c == q && !escaped => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '(' | '[' | '{') => depth += 1,
            (None, ')' | ']' | '}') => {
                depth -= 1;
                if depth == 0 {
                    let close = open + i;
                    return (close > open + 1).then(|| format!("{}(…){}", &text[..open], &text[close + 1..]));
                }
            }
            _ => {}
        }
        escaped = false;
    }
    None
}

fn is_docstring_or_future(stmt: &Stmt, body: &[Stmt]) -> bool {
    let is_docstring = std::ptr::eq(stmt, &body[0]) && ruff_python_ast::helpers::is_docstring_stmt(stmt);
    let is_future = matches!(stmt, Stmt::ImportFrom(import) if import.module.as_deref() == Some("__future__"));
    is_docstring || is_future
}

/// Columns an indentation takes, a tab counted as the 8 columns formatters and linters count.
fn width(indent: &str) -> usize {
    indent.chars().map(|c| if c == '\t' { 8 } else { 1 }).sum()
}

/// The edit that turns `old` (the source from `start` on) into `new`, replacing only what lies
/// between their common beginning and end (never splitting a name): the statement a layout
/// re-spaces keeps its first and last bytes, so the engine's structural check still finds it
/// where it was, and the code inside it counts as replaced.
fn changed_part(old: &str, new: &str, start: TextSize) -> Edit {
    let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
    let mut prefix: usize = old.chars().zip(new.chars()).take_while(|(a, b)| a == b).map(|(c, _)| c.len_utf8()).sum();
    while prefix > 0 && word(old[..prefix].chars().next_back()) && word(old[prefix..].chars().next()) {
        prefix -= old[..prefix].chars().next_back().map_or(1, char::len_utf8);
    }
    let room = old.len().min(new.len()) - prefix;
    let mut suffix: usize = old.chars().rev().zip(new.chars().rev()).take_while(|(a, b)| a == b).map(|(c, _)| c.len_utf8()).sum();
    suffix = suffix.min(room);
    while suffix > 0 && !old.is_char_boundary(old.len() - suffix) {
        suffix -= 1;
    }
    while suffix > 0 && word(old[old.len() - suffix..].chars().next()) && word(old[..old.len() - suffix].chars().next_back()) {
        suffix -= old[old.len() - suffix..].chars().next().map_or(1, char::len_utf8);
    }
    let range = TextRange::new(start + TextSize::try_from(prefix).unwrap_or_default(), start + TextSize::try_from(old.len() - suffix).unwrap_or_default());
    Edit::range_replacement(new[prefix..new.len() - suffix].to_string(), range)
}

/// Builds a [`Fix`] from edits gathered in any order, dropping exact duplicates (two exits that
/// both break the same one-line suite ask for the same edit). Insertions at the same point are
/// joined in the order they were given (a closing `)` before the handler that follows it).
pub fn fix_from(mut edits: Vec<Edit>, applicability: Applicability) -> Option<Fix> {
    edits.sort_by_key(|edit| (edit.start(), edit.end()));
    edits.dedup();
    let mut joined: Vec<Edit> = Vec::with_capacity(edits.len());
    for edit in edits {
        match joined.last_mut() {
            Some(last) if last.range().is_empty() && edit.range().is_empty() && last.start() == edit.start() => {
                let content = format!("{}{}", last.content().unwrap_or_default(), edit.content().unwrap_or_default());
                *last = Edit::insertion(content, edit.start());
            }
            _ => joined.push(edit),
        }
    }
    let mut edits = joined.into_iter();
    let first = edits.next()?;
    Some(Fix::applicable_edits(first, edits, applicability))
}

/// A fix from `edits` with the verdict on it: the fix, and the reason a finding carries for it.
pub fn with_safety(edits: Vec<Edit>, safety: crate::finding::Safety) -> (Option<Fix>, Option<String>) {
    let fix = fix_from(edits, safety.applicability());
    let reason = fix.as_ref().and_then(|_| safety.into_reason());
    (fix, reason)
}

/// `import {module}`, or `import {module} as {alias}`.
pub fn import_line(module: &str, alias: Option<&str>) -> String {
    match alias {
        Some(alias) => format!("import {module} as {alias}"),
        None => format!("import {module}"),
    }
}

/// `import x` statements are bound under their first name unless aliased.
pub fn import_binding(import: &StmtImport, module: &str) -> Option<String> {
    import.names.iter().find_map(|alias| match &alias.asname {
        Some(asname) if alias.name.as_str() == module => Some(asname.to_string()),
        None if alias.name.as_str() == module || alias.name.as_str().starts_with(&format!("{module}.")) => {
            Some(module.to_string())
        }
        _ => None,
    })
}
