//! Unified diffs with `a/` and `b/` prefixes, so `git apply` takes them. Only the lines of the
//! changed places are compared (see [`Changes`]): time grows with the size of the changes, not
//! with the square of their number.

use std::cell::Cell;
use std::fmt::Write;
use std::ops::Range;

use similar::udiff::UnifiedHunkHeader;
use similar::{capture_diff, group_diff_ops, Algorithm, ChangeTag, DiffOp};

use super::text::Palette;
use crate::engine::{partition_point_near, Changes};

/// The diff of a file whose changed places are `changes`. A file with a BOM has it at the
/// start of its first line on disk, so a hunk that touches line 1 shows it there, or `git
/// apply` would not find the line.
pub fn unified(path: &str, old: &str, new: &str, changes: &Changes, has_bom: bool, palette: &Palette) -> String {
    let header = (format!("a/{path}"), format!("b/{path}"));
    render(Some((&header.0, &header.1)), old, new, changes, has_bom, palette)
}

/// The diff that creates a file, as `git apply` takes it.
pub fn new_file(path: &str, contents: &str, palette: &Palette) -> String {
    render(Some(("/dev/null", &format!("b/{path}"))), "", contents, &Changes::between("", contents), false, palette)
}

/// Only the `@@` hunks, without the file header (the review names the file itself).
pub fn hunks(old: &str, new: &str, palette: &Palette) -> String {
    render(None, old, new, &Changes::between(old, new), false, palette)
}

/// A text's lines as git counts them: ended by LF only, so a lone CR stays inside a line (a
/// file with lone-CR line endings is a single line to git) and `git apply` takes the hunks.
struct Lines<'a> {
    lines: Vec<&'a str>,
    /// The byte offset where each line starts.
    starts: Vec<usize>,
    /// The last line looked up: the changed places come in order, so the next search starts here.
    last: Cell<usize>,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Self {
        let lines: Vec<&str> = text.split_inclusive('\n').collect();
        let starts = lines.iter().scan(0, |offset, line| Some(std::mem::replace(offset, *offset + line.len()))).collect();
        Lines { lines, starts, last: Cell::new(0) }
    }

    /// The lines from the one holding `range`'s start to the one holding its end. The text
    /// after a changed place, to its line's end, is the same in both texts, so that line is
    /// taken in both, and the two line ranges of one place always match up.
    fn holding(&self, range: Range<usize>) -> Range<usize> {
        let end = (self.line_of(range.end) + 1).min(self.lines.len());
        self.line_of(range.start)..end
    }

    /// The line holding byte `offset`; past the last line's end, the line that would follow.
    fn line_of(&self, offset: usize) -> usize {
        let text_len = self.starts.last().map_or(0, |start| start + self.lines[self.lines.len() - 1].len());
        if offset >= text_len && self.lines.last().is_none_or(|line| line.ends_with('\n')) {
            return self.lines.len();
        }
        let after = partition_point_near(&self.starts, self.last.get(), |&start| start <= offset);
        self.last.set(after);
        after.saturating_sub(1)
    }
}

/// The diff's operations: the changed places' lines compared (Myers), the lines between them
/// equal.
fn operations(old: &Lines, new: &Lines, changes: &Changes) -> Vec<DiffOp> {
    // The changed places as line ranges, joined where they share a line.
    let mut places: Vec<(Range<usize>, Range<usize>)> = Vec::new();
    for region in changes.regions() {
        let old_lines = old.holding(region.original.start().to_usize()..region.original.end().to_usize());
        let new_lines = new.holding(region.fixed.start().to_usize()..region.fixed.end().to_usize());
        match places.last_mut() {
            Some((old_last, new_last)) if old_lines.start <= old_last.end || new_lines.start <= new_last.end => {
                old_last.end = old_last.end.max(old_lines.end);
                new_last.end = new_last.end.max(new_lines.end);
            }
            _ => places.push((old_lines, new_lines)),
        }
    }
    let mut ops = Vec::new();
    let (mut old_cursor, mut new_cursor) = (0, 0);
    for (old_lines, new_lines) in places.into_iter().chain([(old.lines.len()..old.lines.len(), new.lines.len()..new.lines.len())]) {
        let len = old_lines.start - old_cursor;
        debug_assert_eq!(len, new_lines.start - new_cursor, "the lines between two changed places differ in number");
        if len > 0 {
            ops.push(DiffOp::Equal { old_index: old_cursor, new_index: new_cursor, len });
        }
        ops.extend(capture_diff(Algorithm::Myers, &old.lines, old_lines.clone(), &new.lines, new_lines.clone()));
        (old_cursor, new_cursor) = (old_lines.end, new_lines.end);
    }
    ops
}

fn render(header: Option<(&str, &str)>, old: &str, new: &str, changes: &Changes, has_bom: bool, palette: &Palette) -> String {
    if old == new {
        return String::new();
    }
    let (old_lines, new_lines) = (Lines::new(old), Lines::new(new));
    let mut text = String::new();
    if let Some((old_header, new_header)) = header {
        text.push_str(&format!("--- {old_header}\n+++ {new_header}\n"));
    }
    for hunk in group_diff_ops(operations(&old_lines, &new_lines, changes), 3) {
        // Written in place (into a String, which cannot fail): a format! per line allocated a
        // string for each of a large diff's lines.
        let _ = writeln!(text, "{}", UnifiedHunkHeader::new(&hunk));
        for op in &hunk {
            for change in op.iter_changes(&old_lines.lines, &new_lines.lines) {
                // The BOM belongs to the first line of each side. A context line that is first
                // on one side only (a line inserted above it) differs by the BOM: removed with
                // it, added without (or the reverse), so that `git apply` leaves no BOM mid-file.
                let (old_first, new_first) = (change.old_index() == Some(0), change.new_index() == Some(0));
                let lines: &[(char, bool)] = match change.tag() {
                    ChangeTag::Insert => &[('+', new_first)],
                    ChangeTag::Delete => &[('-', old_first)],
                    ChangeTag::Equal if has_bom && old_first != new_first => &[('-', old_first), ('+', new_first)],
                    ChangeTag::Equal => &[(' ', old_first)],
                };
                for &(tag, first) in lines {
                    let bom = if has_bom && first { "\u{feff}" } else { "" };
                    let _ = write!(text, "{tag}{bom}{}", change.value());
                    // similar takes a lone CR for a line end; git does not.
                    if !change.value().ends_with('\n') {
                        text.push_str("\n\\ No newline at end of file\n");
                    }
                }
            }
        }
    }
    if !palette.enabled() {
        return text;
    }
    let mut out = String::with_capacity(text.len() + 256);
    for line in text.split_inclusive('\n') {
        let style = if line.starts_with("+++") || line.starts_with("---") {
            palette.bold
        } else if line.starts_with('+') {
            palette.added
        } else if line.starts_with('-') {
            palette.removed
        } else if line.starts_with("@@") {
            palette.hunk
        } else {
            anstyle::Style::new()
        };
        let (body, end) = match line.strip_suffix('\n') {
            Some(body) => (body, "\n"),
            None => (line, ""),
        };
        let _ = write!(out, "{}{body}{}{end}", style.render(), style.render_reset());
    }
    out
}
