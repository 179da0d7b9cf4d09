//! The small vocabulary every transform uses to change code: insert statements before a
//! statement or at the end of a suite, replace a statement, add an import. Inserted code
//! follows the file's own indentation and line ending; no transform builds indentation by hand.

use ruff_diagnostics::{Applicability, Edit, Fix};
use ruff_python_ast::{Stmt, StmtImport};
use ruff_python_codegen::Stylist;
use ruff_python_ast::token::{TokenKind, Tokens};
use ruff_python_parser::Parsed;
use ruff_python_trivia::leading_indentation;
use ruff_source_file::LineRanges;
use ruff_text_size::{Ranged, TextLen, TextRange, TextSize};

use ruff_python_ast::ModModule;

/// Code to insert, one entry per line: (nesting depth relative to the suite, line).
#[derive(Clone, Debug, Default)]
pub struct Snippet {
    lines: Vec<(usize, Line)>,
}

/// One line of a snippet as written, or an `if` header whose layout depends on its width.
#[derive(Clone, Debug)]
enum Line {
    Text(String),
    /// `if a and b:`, laid out as black lays it out when it does not fit in [`LINE_LENGTH`]:
    /// `if (`, one clause a line (`and` leading), `):`.
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

/// Knows the file's style; turns snippets into edits.
pub struct Editor<'a> {
    source: &'a str,
    tokens: &'a Tokens,
    stylist: Stylist<'a>,
}

/// The line length of black and ruff's formatter: code a fix lays out on its own lines is kept
/// within it the way they would split it.
pub const LINE_LENGTH: usize = 88;

impl<'a> Editor<'a> {
    pub fn new(source: &'a str, tokens: &'a Tokens) -> Self {
        Editor { source, tokens, stylist: Stylist::from_tokens(tokens, source) }
    }

    pub fn source(&self) -> &'a str {
        self.source
    }

    pub fn text(&self, ranged: impl Ranged) -> &'a str {
        &self.source[ranged.range()]
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

    fn line_indent(&self, offset: TextSize) -> &'a str {
        let start = self.source.line_start(offset);
        leading_indentation(&self.source[TextRange::new(start, self.source.line_end(offset))])
    }

    fn starts_line(&self, offset: TextSize) -> bool {
        self.source.is_at_start_of_line(offset)
            || self.source[TextRange::new(self.source.line_start(offset), offset)].trim().is_empty()
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

    fn render(&self, snippet: &Snippet, indent: &str) -> String {
        let mut out = String::new();
        for (i, (depth, line)) in snippet.lines.iter().enumerate() {
            if i > 0 {
                out.push_str(self.newline());
                out.push_str(indent);
            }
            let own = self.unit().repeat(*depth);
            out.push_str(&own);
            match line {
                Line::Text(text) => out.push_str(text),
                Line::If(clauses) => {
                    let one_line = format!("if {}:", clauses.join(" and "));
                    if width(indent) + width(&own) + one_line.chars().count() <= LINE_LENGTH || clauses.len() < 2 {
                        out.push_str(&one_line);
                    } else {
                        let inner = format!("{}{indent}{own}{}", self.newline(), self.unit());
                        out.push_str("if (");
                        for (n, clause) in clauses.iter().enumerate() {
                            out.push_str(&inner);
                            out.push_str(if n == 0 { "" } else { "and " });
                            out.push_str(clause);
                        }
                        out.push_str(&format!("{}{indent}{own}):", self.newline()));
                    }
                }
                Line::Call(callee, arguments) => {
                    let fits = |text: &str, depth: usize| width(indent) + width(&own) + depth * width(self.unit()) + text.chars().count() <= LINE_LENGTH;
                    let one_line = format!("{callee}({})", arguments.join(", "));
                    let inner = format!("{}{indent}{own}{}", self.newline(), self.unit());
                    if fits(&one_line, 0) || arguments.is_empty() {
                        out.push_str(&one_line);
                    } else if fits(&arguments.join(", "), 1) {
                        out.push_str(&format!("{callee}({inner}{}{}{indent}{own})", arguments.join(", "), self.newline()));
                    } else {
                        out.push_str(&format!("{callee}("));
                        for argument in arguments {
                            out.push_str(&format!("{inner}{argument},"));
                        }
                        out.push_str(&format!("{}{indent}{own})", self.newline()));
                    }
                }
            }
        }
        out
    }

    /// If `stmt`, a member of `suite`, does not start its line (`except X: stmt`, `a; stmt`),
    /// the edits that move it onto a line of its own at `indent`. In a suite written on its
    /// header's line (`finally: a; stmt`) the first statement moves too, or `stmt` would be an
    /// indented block after a header that already has its body; that edit is the same for
    /// every statement of the suite, so two fixes there share it and either one parses alone.
    fn break_before(&self, suite: Suite, stmt: &Stmt, indent: &str) -> Vec<Edit> {
        let mut edits = Vec::new();
        if let Some(first) = suite.stmts.first().filter(|first| first.start() < stmt.start()) {
            edits.extend(self.break_before(Suite { stmts: &[], ..suite }, first, indent));
        }
        if !self.starts_line(stmt.start()) {
            edits.push(Edit::range_replacement(format!("{}{indent}", self.newline()), self.separator_before(stmt.start())));
        }
        edits
    }

    /// The blanks right before `offset`, and the `;` before them if there is one (`a;  b` →
    /// `;  `), so a statement moved off the line leaves no `a;` behind.
    fn separator_before(&self, offset: TextSize) -> TextRange {
        let blanks = self.blanks_before(offset);
        match self.source[..blanks.start().to_usize()].strip_suffix(';') {
            Some(before) => TextRange::new(self.blanks_before(before.text_len()).start(), offset),
            None => blanks,
        }
    }

    /// The spaces and tabs right before `offset` (`a;  b` → the two spaces before `b`).
    fn blanks_before(&self, offset: TextSize) -> TextRange {
        let before = &self.source[..offset.to_usize()];
        TextRange::new(before.trim_end_matches([' ', '\t']).text_len(), offset)
    }

    /// Inserts `snippet` as statements right before `stmt`, a member of `suite`.
    pub fn insert_before(&self, suite: Suite, stmt: &Stmt, snippet: &Snippet) -> Vec<Edit> {
        let indent = self.indent_of(suite);
        let mut edits = self.break_before(suite, stmt, &indent);
        let text = format!("{}{}{indent}", self.render(snippet, &indent), self.newline());
        edits.push(Edit::insertion(text, stmt.start()));
        edits
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
        edits.push(Edit::insertion(text, self.source.line_end(last.end())));
        edits
    }

    /// Inserts `snippet` as statements right after `stmt` (and its trailing comment), at the
    /// indentation of `suite`, the suite holding `stmt`.
    /// When `a(); b()` share a line, the snippet goes right after `a()` and `b()` moves to a
    /// line of its own, so it stays outside whatever was wrapped around `a()`.
    pub fn insert_after(&self, suite: Suite, stmt: &Stmt, snippet: &Snippet) -> Edit {
        let indent = self.indent_of(suite);
        let nl = self.newline();
        let text = format!("{nl}{indent}{}", self.render(snippet, &indent));
        let line_end = self.source.line_end(stmt.end());
        let rest = &self.source[TextRange::new(stmt.end(), line_end)];
        let Some(after_semicolon) = rest.trim_start().strip_prefix(';') else {
            return Edit::insertion(text, line_end);
        };
        let next = after_semicolon.trim_start();
        let next_start = line_end - next.text_len();
        if next.is_empty() || next.starts_with('#') {
            Edit::range_replacement(text, TextRange::new(stmt.end(), next_start))
        } else {
            Edit::range_replacement(format!("{text}{nl}{indent}"), TextRange::new(stmt.end(), next_start))
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
        edits.push(Edit::insertion(head, stmt.start()));
        edits.push(self.insert_after(suite, stmt, after));
        edits
    }

    /// Nests the statements `first` ..= `last` of `suite` under a block header (`with …:`),
    /// one level deeper: every line they span is re-indented, continuation lines of a
    /// multi-line statement included, except lines that start inside a string literal (their
    /// indentation is part of the string). The statements themselves keep their text.
    pub fn nest(&self, suite: Suite, first: &Stmt, last: &Stmt, header: &str) -> Vec<Edit> {
        let indent = self.indent_of(suite);
        let nl = self.newline();
        let unit = self.unit();
        let mut edits = self.break_before(suite, first, &indent);
        // The header takes the first statement's place (on a line of its own once
        // `break_before` has moved it there); the statement goes one level deeper.
        edits.push(Edit::insertion(format!("{header}{nl}{indent}{unit}"), first.start()));
        let span = TextRange::new(first.start(), last.end());
        let strings = self.string_interiors(span);
        let mut line = self.source.full_line_end(first.start());
        while line < span.end() {
            let text = &self.source[TextRange::new(line, self.source.line_end(line))];
            if !text.trim().is_empty() && !strings.iter().any(|s| s.start() < line && line < s.end()) {
                edits.push(Edit::insertion(unit.to_string(), line));
            }
            line = self.source.full_line_end(line);
        }
        edits
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
        edits.push(Edit::range_replacement(self.render(snippet, &indent), stmt.range()));
        edits
    }

    /// Replaces `stmt` with `snippet`. A comment trailing `stmt` described the code being
    /// replaced (`return  # cancellations are expected here`), so it moves onto a line of its
    /// own above the replacement rather than trail new code it may contradict.
    pub fn replace_moving_comment(&self, suite: Suite, stmt: &Stmt, snippet: &Snippet) -> Vec<Edit> {
        let Some(comment) = self.trailing_comment(stmt) else { return self.replace(suite, stmt, snippet) };
        let snippet = Snippet::line(self.text(comment).trim_end()).nest(0, snippet.clone());
        let indent = self.indent_of(suite);
        let mut edits = self.break_before(suite, stmt, &indent);
        edits.push(Edit::range_replacement(self.render(&snippet, &indent), TextRange::new(stmt.start(), comment.end())));
        edits
    }

    /// Wraps an expression in a call, `function(expr)`. When the expression is the value of
    /// `statement` (alone on its lines, a trailing comment aside), the result is laid out as
    /// black and ruff's formatter lay it out: on one line if it fits in [`LINE_LENGTH`], else
    /// `function(`, the expression one level deeper, `)` on a line of its own. An expression
    /// that spans lines is joined onto one line where it then fits (and has no comment, string
    /// or trailing comma that keeps it split); otherwise its continuation lines move one level
    /// deeper with it, except inside strings.
    pub fn wrap_in_call(&self, range: TextRange, function: &str, statement: Option<&Stmt>) -> Vec<Edit> {
        let open = Edit::insertion(format!("{function}("), range.start());
        let close = Edit::insertion(")".to_string(), range.end());
        let Some(statement) = statement else { return vec![open, close] };
        let (first_line, last_line_end) = (self.source.line_start(statement.start()), self.source.line_end(range.end()));
        let after = &self.source[TextRange::new(statement.end(), last_line_end)];
        if !self.starts_line(statement.start()) || !(after.trim().is_empty() || after.trim_start().starts_with('#')) {
            return vec![open, close];
        }
        let joins = self.line_joins(range);
        let joined_len = |text: &str| text.chars().count() - joins.iter().map(|(range, with)| self.source[*range].chars().count() - with.len()).sum::<usize>();
        let with_joins = |mut edits: Vec<Edit>| {
            edits.extend(joins.iter().map(|(range, with)| match *with {
                "" => Edit::range_deletion(*range),
                with => Edit::range_replacement(with.to_string(), *range),
            }));
            edits
        };
        let multiline = self.source[range].contains(['\n', '\r']);
        let joinable = !multiline || !joins.is_empty();
        let whole = &self.source[TextRange::new(first_line, last_line_end)];
        if joinable && joined_len(whole) + function.chars().count() + 2 <= LINE_LENGTH {
            return with_joins(vec![open, close]);
        }
        let (nl, indent, unit) = (self.newline(), self.line_indent(statement.start()), self.unit());
        let open = Edit::insertion(format!("{function}({nl}{indent}{unit}"), range.start());
        let close = Edit::insertion(format!("{nl}{indent})"), range.end());
        if joinable && indent.len() + unit.len() + joined_len(&self.source[range]) <= LINE_LENGTH {
            return with_joins(vec![open, close]);
        }
        let mut edits = vec![open];
        let mut at = range.start();
        while let Some(newline) = self.source[TextRange::new(at, range.end())].find('\n') {
            at += TextSize::try_from(newline + 1).unwrap_or_default();
            let blank = self.source[TextRange::new(at, self.source.line_end(at))].trim().is_empty();
            if !self.inside_token(at) && !blank {
                edits.push(Edit::insertion(unit.to_string(), at));
            }
        }
        edits.push(close);
        edits
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

    /// The edit that adds `import {module}` (a standard-library module) to the module: where
    /// isort and ruff's I001 put it, among the leading block's standard-library `import x`
    /// lines in sorted order, else before its standard-library `from` imports, else as a
    /// section of its own before the others; with no imports, where imports go.
    pub fn add_import(&self, parsed: &Parsed<ModModule>, module: &str) -> Edit {
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
            return self.add_module_code(parsed, &Snippet::line(format!("import {module}")));
        }
        let stdlib = |name: &str| ruff_python_stdlib::sys::is_known_standard_library(11, name.split('.').next().unwrap_or(name));
        let straight: Vec<(&Stmt, String)> = block
            .iter()
            .filter_map(|stmt| match stmt {
                Stmt::Import(import) => import.names.first().map(|alias| (*stmt, alias.name.to_lowercase())),
                _ => None,
            })
            .filter(|(_, name)| stdlib(name))
            .collect();
        let line = format!("import {module}");
        if let Some((next, _)) = straight.iter().find(|(_, name)| name.as_str() > module) {
            return Edit::insertion(format!("{line}{nl}"), self.source.line_start(next.start()));
        }
        if let Some((last, _)) = straight.last() {
            return Edit::insertion(format!("{nl}{line}"), self.source.line_end(last.end()));
        }
        let first_from = block.iter().find(|stmt| matches!(stmt, Stmt::ImportFrom(from) if from.level == 0 && from.module.as_deref().is_some_and(|m| stdlib(m))));
        match first_from {
            Some(from) => Edit::insertion(format!("{line}{nl}"), self.source.line_start(from.start())),
            None => Edit::insertion(format!("{line}{nl}{nl}"), self.source.line_start(block[0].start())),
        }
    }

    /// The edit that adds top-level code where imports go: after the docstring and the
    /// `__future__` imports, before the first other statement.
    pub fn add_module_code(&self, parsed: &Parsed<ModModule>, code: &Snippet) -> Edit {
        let body = &parsed.syntax().body;
        let anchor = body.iter().find(|stmt| !is_docstring_or_future(stmt, body));
        let text = self.render(code, "");
        match anchor {
            // `from __future__ import x; import os`: the code goes between the two.
            Some(stmt) if !self.starts_line(stmt.start()) => {
                Edit::range_replacement(format!("{nl}{text}{nl}", nl = self.newline()), self.blanks_before(stmt.start()))
            }
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
    pub fn add_module_code_after(&self, stmt: &Stmt, code: &Snippet) -> Edit {
        Edit::insertion(format!("{}{}", self.newline(), self.render(code, "")), self.source.line_end(stmt.end()))
    }

    /// The file's preferred quote character for inserted string literals.
    pub fn quote(&self) -> char {
        self.stylist.quote().as_char()
    }
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
