//! Turning bytes into a parsed module, and offsets into the `line:column` users read.

use ruff_python_ast::ModModule;
use ruff_python_parser::{parse_module, Parsed};
use ruff_source_file::{LineIndex, OneIndexed};
use ruff_text_size::TextSize;
use std::fmt;

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

/// Parses a module. Version-specific "unsupported syntax" reports are not errors: the tool
/// reads every Python up to 3.14 whatever the target version.
pub fn parse(text: &str) -> Result<Parsed<ModModule>, SourceError> {
    parse_module(text).map_err(|error| SourceError {
        position: position_of(text, error.location.start()),
        message: format!("syntax error: {}", error.error),
    })
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
