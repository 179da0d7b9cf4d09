//! An open document: the exact text the editor holds (kept in sync by incremental changes), and
//! the conversion between the engine's byte offsets and LSP positions in the negotiated
//! encoding. Lines end at `\n`, `\r\n` or a lone `\r`, as the protocol says.

use lsp_types::{Position, PositionEncodingKind, Range, TextDocumentContentChangeEvent};
use ruff_text_size::{TextRange, TextSize};

/// How a position's `character` counts: the protocol's default is UTF-16 code units.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
}

impl Encoding {
    /// UTF-8 if the client offers it (offsets are then bytes, as the engine's), else the
    /// protocol's mandatory UTF-16.
    pub fn negotiate(offered: Option<&[PositionEncodingKind]>) -> Encoding {
        match offered {
            Some(kinds) if kinds.contains(&PositionEncodingKind::UTF8) => Encoding::Utf8,
            _ => Encoding::Utf16,
        }
    }

    pub fn kind(self) -> PositionEncodingKind {
        match self {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
        }
    }

    fn units(self, c: char) -> u32 {
        match self {
            Encoding::Utf8 => c.len_utf8() as u32,
            Encoding::Utf16 => c.len_utf16() as u32,
        }
    }
}

/// The text of one document and where its lines start.
#[derive(Debug)]
pub struct Document {
    pub text: String,
    pub version: i32,
    line_starts: Vec<usize>,
}

impl Document {
    pub fn new(text: String, version: i32) -> Self {
        let line_starts = line_starts(&text);
        Document { text, version, line_starts }
    }

    /// Applies the editor's changes in order: each range refers to the text left by the one
    /// before it; a change without a range replaces the whole text.
    pub fn apply(&mut self, changes: Vec<TextDocumentContentChangeEvent>, version: i32, encoding: Encoding) {
        for change in changes {
            match change.range {
                Some(range) => {
                    let range = self.text_range(range, encoding);
                    self.text.replace_range(range.start().to_usize()..range.end().to_usize(), &change.text);
                }
                None => self.text = change.text,
            }
            self.line_starts = line_starts(&self.text);
        }
        self.version = version;
    }

    /// The byte offset of `position`; a character past the end of its line means the line's
    /// end, and a line past the end means the end of the text (as the protocol asks).
    pub fn offset(&self, position: Position, encoding: Encoding) -> TextSize {
        let Some(&start) = self.line_starts.get(position.line as usize) else {
            return TextSize::try_from(self.text.len()).unwrap_or_default();
        };
        let line = &self.text[start..self.line_content_end(position.line as usize)];
        let mut units = 0;
        let mut bytes = line.len();
        for (index, c) in line.char_indices() {
            if units >= position.character {
                bytes = index;
                break;
            }
            units += encoding.units(c);
        }
        TextSize::try_from(start + bytes).unwrap_or_default()
    }

    pub fn text_range(&self, range: Range, encoding: Encoding) -> TextRange {
        let start = self.offset(range.start, encoding);
        let end = self.offset(range.end, encoding).max(start);
        TextRange::new(start, end)
    }

    /// The position of a byte offset (a char boundary of the text).
    pub fn position(&self, offset: TextSize, encoding: Encoding) -> Position {
        let offset = offset.to_usize().min(self.text.len());
        let line = self.line_starts.partition_point(|&start| start <= offset) - 1;
        let start = self.line_starts[line];
        let character = self.text[start..offset].chars().map(|c| encoding.units(c)).sum();
        Position { line: line as u32, character }
    }

    pub fn range(&self, range: TextRange, encoding: Encoding) -> Range {
        Range { start: self.position(range.start(), encoding), end: self.position(range.end(), encoding) }
    }

    /// The end of a line's content, before its line ending.
    fn line_content_end(&self, line: usize) -> usize {
        let next = self.line_starts.get(line + 1).copied().unwrap_or(self.text.len());
        let content = &self.text[self.line_starts[line]..next];
        let ending = if content.ends_with("\r\n") {
            2
        } else {
            usize::from(content.ends_with(['\n', '\r']))
        };
        next - ending
    }
}

/// The offsets where lines start: 0, then after each `\n`, `\r\n` or lone `\r`.
fn line_starts(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut starts = vec![0];
    for (index, &byte) in bytes.iter().enumerate() {
        match byte {
            b'\n' => starts.push(index + 1),
            b'\r' if bytes.get(index + 1) != Some(&b'\n') => starts.push(index + 1),
            _ => {}
        }
    }
    starts
}
