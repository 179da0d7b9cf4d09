//! Offsets of a fixed text traced back to the text its edits were applied to.

use std::cell::Cell;

use ruff_diagnostics::Edit;
use ruff_text_size::{Ranged, TextSize};

/// Maps offsets of the fixed text back to the text the edits were applied to.
pub struct OffsetMap<'e> {
    /// (edit, where its new text starts and ends in the fixed text), sorted.
    edits: Vec<(&'e Edit, TextSize, TextSize)>,
    /// Where the last look-up ended: a tree's nodes are looked up in source order, so the next
    /// one is searched for from here.
    last: Cell<usize>,
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
        OffsetMap { edits: mapped, last: Cell::new(0) }
    }

    /// `self.edits.partition_point(below)`, searched for from the last look-up's answer.
    fn partition_point(&self, below: impl Fn(&(&'e Edit, TextSize, TextSize)) -> bool) -> usize {
        let point = partition_point_near(&self.edits, self.last.get(), below);
        self.last.set(point);
        point
    }

    /// The last edit whose new text starts at or before `offset` (`inclusive`) or before it.
    fn edit_before(&self, offset: TextSize, inclusive: bool) -> Option<usize> {
        let count = self.partition_point(|(_, start, _)| if inclusive { *start <= offset } else { *start < offset });
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
        let first = self.partition_point(|(_, _, end)| *end <= range.start());
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


/// `items.partition_point(below)` (`below` true for a prefix of `items`, false after it), found
/// by steps that double outward from `hint`: a few steps when the answer is near the hint, as it
/// is for look-ups in source order; never more than about twice a binary search's.
pub fn partition_point_near<T>(items: &[T], hint: usize, below: impl Fn(&T) -> bool) -> usize {
    let hint = hint.min(items.len());
    if hint > 0 && !below(&items[hint - 1]) {
        // The answer is before the hint: step back from it.
        let (mut high, mut step) = (hint - 1, 1);
        loop {
            if high < step {
                return items[..high].partition_point(below);
            }
            let probe = high - step;
            if below(&items[probe]) {
                return probe + 1 + items[probe + 1..high].partition_point(below);
            }
            (high, step) = (probe, step * 2);
        }
    }
    // Everything before the hint is below: step forward from it.
    let (mut low, mut step) = (hint, 1);
    loop {
        let probe = low + step - 1;
        if probe >= items.len() {
            return low + items[low..].partition_point(below);
        }
        if !below(&items[probe]) {
            return low + items[low..probe].partition_point(below);
        }
        (low, step) = (probe + 1, step * 2);
    }
}

#[cfg(test)]
mod tests {
    use super::partition_point_near;

    #[test]
    fn partition_point_near_agrees_with_a_binary_search_from_any_hint() {
        for len in 0..40usize {
            let items: Vec<usize> = (0..len).map(|i| i / 3).collect();
            for value in 0..=len / 3 + 1 {
                let expected = items.partition_point(|&item| item < value);
                for hint in 0..=len + 2 {
                    assert_eq!(partition_point_near(&items, hint, |&item| item < value), expected, "len {len} value {value} hint {hint}");
                }
            }
        }
    }
}
