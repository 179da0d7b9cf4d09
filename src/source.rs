//! Turning bytes into a parsed module, and offsets into the `line:column` users read.

use ruff_python_ast::token::{TokenKind, Tokens};
use ruff_python_ast::visitor::transformer::{walk_stmt, Transformer};
use ruff_python_ast::{Expr, ModModule, PySourceType, Stmt};
use ruff_python_parser::{parse_unchecked_source, ParseError, ParseErrorType, Parsed};
use ruff_source_file::{LineIndex, OneIndexed};
use ruff_text_size::TextSize;
use std::fmt;

mod nesting;

const BOM: &str = "\u{feff}";

/// A 1-based position, counted in characters, as editors show it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// Why a file could not be checked. Always carries the position it is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceError {
    pub position: Position,
    pub message: String,
}

/// A file's text without its BOM, remembering the BOM so writes keep it.
#[derive(Clone, Debug)]
pub struct SourceText {
    pub has_bom: bool,
    pub text: String,
}

impl SourceText {
    /// Decodes UTF-8 (the only encoding supported); names the first byte that is not.
    pub fn decode(bytes: &[u8]) -> Result<SourceText, SourceError> {
        let (has_bom, body) = match bytes.strip_prefix(BOM.as_bytes()) {
            Some(rest) => (true, rest),
            None => (false, bytes),
        };
        match std::str::from_utf8(body) {
            Ok(text) => Ok(SourceText { has_bom, text: text.to_owned() }),
            Err(error) => {
                let valid = &body[..error.valid_up_to()];
                // The prefix is valid UTF-8 by construction.
                let prefix = std::str::from_utf8(valid).unwrap_or_default();
                let line = prefix.matches('\n').count() + 1;
                let column = prefix.rsplit('\n').next().unwrap_or_default().chars().count() + 1;
                let byte = body[error.valid_up_to()];
                Err(SourceError {
                    position: Position { line, column },
                    message: format!(
                        "file is not valid UTF-8 (byte 0x{byte:02x}); cancelsafe only rewrites UTF-8 sources, so the file was left untouched"
                    ),
                })
            }
        }
    }

    /// The bytes to write back, with the BOM if the file had one.
    pub fn encode(&self, text: &str) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(text.len() + 3);
        if self.has_bom {
            bytes.extend_from_slice(BOM.as_bytes());
        }
        bytes.extend_from_slice(text.as_bytes());
        bytes
    }
}

/// A parsed module: its syntax tree and its tokens.
///
/// ruff's parser rejects `raise;` (a bare `raise` followed by `;`), which CPython accepts; such
/// a module is parsed anyway, and its tree repaired so that those statements read as the bare
/// `raise` they are.
pub struct Module {
    parsed: Parsed<ModModule>,
    repaired: Option<ModModule>,
}

impl Module {
    pub fn syntax(&self) -> &ModModule {
        self.repaired.as_ref().unwrap_or(self.parsed.syntax())
    }

    pub fn tokens(&self) -> &Tokens {
        self.parsed.tokens()
    }
}

/// Nesting beyond this (an upper bound counted on the tokens) is refused before any walk of
/// the tree. CPython itself gives up at about 3,000 levels ("maximum recursion depth exceeded
/// during compilation"), so no module that CPython compiles comes near it.
pub const MAX_NESTING: usize = 10_000;

/// Parses a module. Version-specific "unsupported syntax" reports are not errors: the tool
/// reads every Python up to 3.14 whatever the target version. A module nested deeper than
/// [`MAX_NESTING`] is an error, so that no later walk of its tree can run out of stack.
pub fn parse(text: &str) -> Result<Module, SourceError> {
    let parsed = parse_unchecked_source(text, PySourceType::Python);
    if let Some((offset, depth)) = nesting::deeper_than(parsed.tokens(), MAX_NESTING) {
        nesting::drop_deep(parsed);
        return Err(SourceError {
            position: position_of(text, offset),
            message: format!(
                "nested too deeply: more than {depth} levels of expressions and blocks here (CPython cannot compile beyond about 3,000 either); the file was left untouched"
            ),
        });
    }
    let tokens = parsed.tokens();
    let mut bare_raises = Vec::new();
    for error in parsed.errors() {
        if is_raise_before_semicolon(error, tokens) {
            bare_raises.push(error.location.start());
            continue;
        }
        return Err(SourceError {
            position: position_of(text, error.location.start()),
            message: format!("syntax error: {}", error.error),
        });
    }
    let repaired = (!bare_raises.is_empty()).then(|| {
        let mut syntax = parsed.syntax().clone();
        BareRaiseRepair { at: &bare_raises }.visit_body(&mut syntax.body);
        syntax
    });
    Ok(Module { parsed, repaired })
}

/// ruff reads `raise;` as `raise` missing its exception: "expected an expression" at the `;`
/// right after the `raise` keyword.
fn is_raise_before_semicolon(error: &ParseError, tokens: &Tokens) -> bool {
    if error.error != ParseErrorType::ExpectedExpression {
        return false;
    }
    let before = tokens.before(error.location.start());
    let after = tokens.after(error.location.start());
    matches!(before.iter().rev().find(|t| !t.kind().is_trivia()), Some(t) if t.kind() == TokenKind::Raise)
        && after.first().is_some_and(|t| t.kind() == TokenKind::Semi)
}

/// Turns the placeholder exception ruff puts into `raise;` back into a bare `raise`.
struct BareRaiseRepair<'a> {
    at: &'a [TextSize],
}

impl Transformer for BareRaiseRepair<'_> {
    fn visit_stmt(&self, stmt: &mut Stmt) {
        if let Stmt::Raise(raise) = stmt {
            let placeholder = matches!(raise.exc.as_deref(), Some(Expr::Name(name))
                if name.id.is_empty() && name.range.is_empty() && self.at.contains(&name.range.start()));
            if placeholder {
                raise.exc = None;
            }
        }
        walk_stmt(self, stmt);
    }
}

/// The `line:column` of an offset.
pub fn position_of(text: &str, offset: TextSize) -> Position {
    Locations::new(text).position(offset)
}

/// Offset → position lookups for one text.
pub struct Locations<'a> {
    text: &'a str,
    index: LineIndex,
}

impl<'a> Locations<'a> {
    pub fn new(text: &'a str) -> Self {
        Locations { text, index: LineIndex::from_source_text(text) }
    }

    pub fn position(&self, offset: TextSize) -> Position {
        let location = self.index.line_column(offset, self.text);
        Position { line: location.line.get(), column: location.column.get() }
    }

    pub fn line_text(&self, line: usize) -> &'a str {
        let Some(line) = OneIndexed::new(line) else { return "" };
        &self.text[self.index.line_range(line, self.text)]
    }
}
