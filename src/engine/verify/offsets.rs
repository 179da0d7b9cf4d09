//! Offsets of a fixed text traced back to the text its edits were applied to.

use ruff_diagnostics::Edit;
use ruff_text_size::{Ranged, TextSize};

/// Maps offsets of the fixed text back to the text the edits were applied to.
pub struct OffsetMap<'e> {
    /// (edit, where its new text starts and ends in the fixed text), sorted.
    edits: Vec<(&'e Edit, TextSize, TextSize)>,
}

/// Where a fixed offset comes from.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Unchanged text at this original offset.
    Kept(TextSize),
    /// Inside the new text of the edit with this index.
    Inserted(usize),
}

impl<'e> OffsetMap<'e> {
    pub fn new(edits: &'e [Edit]) -> Self {
        let mut shift: i64 = 0;
        let mut mapped = Vec::with_capacity(edits.len());
        for edit in edits {
            let new_start = TextSize::try_from((i64::from(u32::from(edit.start())) + shift).max(0) as u32).unwrap_or_default();
            let new_len = edit.content().map_or(0, str::len) as u32;
            let new_end = new_start + TextSize::new(new_len);
            mapped.push((edit, new_start, new_end));
            shift += i64::from(new_len) - i64::from(u32::from(edit.range().len()));
        }
        OffsetMap { edits: mapped }
    }

    /// The last edit whose new text starts at or before `offset` (`inclusive`) or before it.
    fn edit_before(&self, offset: TextSize, inclusive: bool) -> Option<usize> {
        let count = self.edits.partition_point(|(_, start, _)| if inclusive { *start <= offset } else { *start < offset });
        count.checked_sub(1)
    }

    /// Where the byte at `offset` (a node's first byte) comes from.
    pub fn first_byte(&self, offset: TextSize) -> Origin {
        match self.edit_before(offset, true) {
            None => Origin::Kept(offset),
            Some(index) => {
                let (edit, start, end) = self.edits[index];
                if offset >= start && offset < end {
                    Origin::Inserted(index)
                } else {
                    Origin::Kept(edit.end() + (offset - end))
                }
            }
        }
    }

    /// The original offset a node starting at `offset` maps to: inside inserted text, the
    /// edit's start.
    pub fn start(&self, offset: TextSize) -> TextSize {
        match self.first_byte(offset) {
            Origin::Kept(original) => original,
            Origin::Inserted(index) => self.edits[index].0.start(),
        }
    }

    /// The original offset a node ending at `offset` maps to: after inserted text, the edit's end.
    pub fn end(&self, offset: TextSize) -> TextSize {
        match self.edit_before(offset, false) {
            None => offset,
            Some(index) => {
                let (edit, _, end) = self.edits[index];
                if offset <= end {
                    edit.end()
                } else {
                    edit.end() + (offset - end)
                }
            }
        }
    }

    /// Whether inserted text (or a deletion) lies inside `range` of the fixed text.
    pub fn inserted_within(&self, range: ruff_text_size::TextRange) -> bool {
        let first = self.edits.partition_point(|(_, _, end)| *end <= range.start());
        self.edits.get(first).is_some_and(|&(_, start, end)| {
            if start == end {
                start > range.start() && start < range.end()
            } else {
                start < range.end()
            }
        })
    }

    pub fn edit(&self, index: usize) -> &Edit {
        self.edits[index].0
    }
}

