//! Where a fixed text differs from the original, traced through every pass, so that a diff
//! compares only those places: a diff of the whole texts takes time that grows with the
//! square of the number of fixes (Myers' algorithm), one of each changed place grows with
//! their sum.

use ruff_diagnostics::Edit;
use ruff_text_size::{Ranged, TextRange, TextSize};

/// The changed places of a fixed text, sorted and apart; the text between two of them (and
/// before the first, after the last) is the same in the original and the fixed text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    regions: Vec<Region>,
}

/// One changed place: this range of the original became this range of the fixed text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Region {
    pub original: TextRange,
    pub fixed: TextRange,
}

impl Changes {
    /// The places that `edits` (sorted, none overlapping: one pass) change.
    pub fn of_edits(edits: &[Edit]) -> Changes {
        let mut shift: i64 = 0;
        let regions = edits
            .iter()
            .map(|edit| {
                let start = offset(i64::from(u32::from(edit.start())) + shift);
                let len = TextSize::of(edit.content().unwrap_or_default());
                shift += i64::from(u32::from(len)) - i64::from(u32::from(edit.range().len()));
                Region { original: edit.range(), fixed: TextRange::at(start, len) }
            })
            .collect();
        Changes { regions }
    }

    /// The one place where `old` and `new` differ, between their common start and end: for
    /// texts whose edits are not known (a reviewer's proposal).
    pub fn between(old: &str, new: &str) -> Changes {
        if old == new {
            return Changes::default();
        }
        let prefix = common_prefix(old.as_bytes(), new.as_bytes());
        let suffix = common_prefix_rev(&old.as_bytes()[prefix..], &new.as_bytes()[prefix..]);
        let original = TextRange::new(TextSize::try_from(prefix).unwrap(), TextSize::try_from(old.len() - suffix).unwrap());
        let fixed = TextRange::new(TextSize::try_from(prefix).unwrap(), TextSize::try_from(new.len() - suffix).unwrap());
        Changes { regions: vec![Region { original, fixed }] }
    }

    pub fn regions(&self) -> &[Region] {
        &self.regions
    }

    /// These changes followed by `next`, whose original is this one's fixed text. Regions that
    /// overlap or touch in the text between become one; the rest keep their shift.
    pub fn then(&self, next: &Changes) -> Changes {
        let (first, second) = (&self.regions, &next.regions);
        let (mut i, mut j) = (0, 0);
        // Growth of the text before the current group: by the first changes, by the second.
        let (mut first_shift, mut second_shift): (i64, i64) = (0, 0);
        let mut regions = Vec::with_capacity(first.len() + second.len());
        while i < first.len() || j < second.len() {
            // A group in the middle text: start with the earlier region, then take in every
            // region of either list that overlaps or touches it.
            let take_first = j == second.len() || (i < first.len() && first[i].fixed.start() <= second[j].original.start());
            let (mut start, mut end) = if take_first { (first[i].fixed.start(), first[i].fixed.end()) } else { (second[j].original.start(), second[j].original.end()) };
            let (mut first_growth, mut second_growth): (i64, i64) = (0, 0);
            loop {
                if i < first.len() && first[i].fixed.start() <= end {
                    end = end.max(first[i].fixed.end());
                    start = start.min(first[i].fixed.start());
                    first_growth += growth(&first[i]);
                    i += 1;
                } else if j < second.len() && second[j].original.start() <= end {
                    end = end.max(second[j].original.end());
                    start = start.min(second[j].original.start());
                    second_growth += growth(&second[j]);
                    j += 1;
                } else {
                    break;
                }
            }
            let (middle_start, middle_end) = (i64::from(u32::from(start)), i64::from(u32::from(end)));
            regions.push(Region {
                original: TextRange::new(offset(middle_start - first_shift), offset(middle_end - first_shift - first_growth)),
                fixed: TextRange::new(offset(middle_start + second_shift), offset(middle_end + second_shift + second_growth)),
            });
            first_shift += first_growth;
            second_shift += second_growth;
        }
        Changes { regions }
    }
}

/// How much longer a region made the text.
fn growth(region: &Region) -> i64 {
    i64::from(u32::from(region.fixed.len())) - i64::from(u32::from(region.original.len()))
}

fn offset(value: i64) -> TextSize {
    TextSize::try_from(u32::try_from(value).expect("a changed place before the start of the text")).unwrap()
}

fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

fn common_prefix_rev(a: &[u8], b: &[u8]) -> usize {
    a.iter().rev().zip(b.iter().rev()).take_while(|(x, y)| x == y).count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::splice;

    /// A small deterministic generator (xorshift), so that a failure repeats.
    struct Random(u64);

    impl Random {
        fn below(&mut self, bound: usize) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 % bound as u64) as usize
        }
    }

    /// Random edits of one pass: sorted, apart, some empty insertions, some deletions.
    fn pass(random: &mut Random, text: &str) -> Vec<Edit> {
        let mut edits = Vec::new();
        let mut cursor = 0;
        while cursor < text.len() {
            let start = cursor + random.below(8);
            if start > text.len() {
                break;
            }
            let end = (start + random.below(3)).min(text.len());
            let content = ["", "x", "\nyy\n", "zz"][random.below(4)];
            if start == end && content.is_empty() {
                cursor = end + 1;
                continue;
            }
            let range = (TextSize::try_from(start).unwrap(), TextSize::try_from(end).unwrap());
            edits.push(if content.is_empty() { Edit::deletion(range.0, range.1) } else { Edit::replacement(content.to_string(), range.0, range.1) });
            // Two insertions at one point would collide; keep a gap.
            cursor = end + 1;
        }
        edits
    }

    /// Between the regions the two texts agree, and each region's ends are in order.
    fn assert_consistent(changes: &Changes, old: &str, new: &str) {
        let (mut old_cursor, mut new_cursor) = (0usize, 0usize);
        for region in changes.regions() {
            let (o, f) = (region.original, region.fixed);
            assert_eq!(&old[old_cursor..o.start().to_usize()], &new[new_cursor..f.start().to_usize()], "gap before {region:?}");
            (old_cursor, new_cursor) = (o.end().to_usize(), f.end().to_usize());
        }
        assert_eq!(&old[old_cursor..], &new[new_cursor..], "text after the last region");
    }

    #[test]
    fn passes_compose_into_regions_outside_which_the_texts_agree() {
        let mut random = Random(0x9e37_79b9_7f4a_7c15);
        for _ in 0..300 {
            let original: String = (0..60).map(|i| if i % 7 == 6 { '\n' } else { (b'a' + (i % 26) as u8) as char }).collect();
            let mut text = original.clone();
            let mut changes = Changes::default();
            for _ in 0..random.below(4) + 1 {
                let edits = pass(&mut random, &text);
                let next = splice(&text, &edits);
                let step = Changes::of_edits(&edits);
                assert_consistent(&step, &text, &next);
                changes = changes.then(&step);
                text = next;
                assert_consistent(&changes, &original, &text);
            }
        }
    }

    #[test]
    fn between_finds_the_one_differing_place() {
        let changes = Changes::between("a\nb\nc\n", "a\nB\nc\n");
        assert_eq!(changes.regions().len(), 1);
        assert_consistent(&changes, "a\nb\nc\n", "a\nB\nc\n");
        assert!(Changes::between("same", "same").regions().is_empty());
    }
}
