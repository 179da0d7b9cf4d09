//! `e`: a fix's hunks in the reviewer's editor, the way `git add -p` offers them, and the
//! edited hunks turned back into edits of the file.

use ruff_diagnostics::Edit;
use ruff_text_size::TextSize;

const GUIDE: &str = "\
# ---
# Edit the '+' lines as you like: they are what the fix writes.
# To keep a line the fix would remove, turn its '-' into ' '. To drop an added line, delete it.
# Leave the ' ' and '-' lines otherwise as they are: they must still match the file.
# Lines starting with # are ignored. Delete every line to cancel the edit.
# The edited version is applied if the file still parses; if it does not, you are told why
# and the fix is offered again.
";

/// The file the editor opens: the fix's hunks (without colour) between a title and the guide.
pub fn edit_file(title: &str, hunks: &str) -> String {
    format!("# {title} (see the guide at the bottom)\n{hunks}{GUIDE}")
}

/// A note starts with this: an edit reopened after a failure has one, about why.
const NOTE: &str = "# ! ";

/// The reviewer's own `edited` text to edit again, with `problem` noted at the top (in place
/// of the note of an earlier attempt).
pub fn reopened(edited: &str, problem: &str) -> String {
    let kept: String = edited.split_inclusive('\n').filter(|line| !line.starts_with(NOTE)).collect();
    format!("{NOTE}{problem}\n{NOTE}Fix it below, or delete every line to cancel.\n{kept}")
}

/// The edits of `text` that the edited hunks describe; none if the reviewer deleted them all.
/// Hunks are found by their `@@ -LINE` header; their ' ' and '-' lines must match the file there.
pub fn edits_from(edited: &str, text: &str) -> Result<Vec<Edit>, String> {
    let hunks = parse(edited)?;
    let lines = Lines::of(text);
    let mut edits: Vec<Edit> = Vec::new();
    let mut next_free = 0;
    for hunk in &hunks {
        let old: Vec<&str> = hunk.lines.iter().filter(|l| l.kind != '+').map(|l| l.text).collect();
        // `@@ -0,0` inserts before the first line; otherwise LINE is the first old line.
        let first = if old.is_empty() { hunk.old_start } else { hunk.old_start.saturating_sub(1) };
        if first < next_free {
            return Err(format!("the hunk at line {} overlaps the one before it", hunk.old_start));
        }
        for (n, expected) in old.iter().enumerate() {
            match lines.content(first + n) {
                Some(actual) if actual == *expected => {}
                actual => {
                    return Err(format!(
                        "the hunk at line {} no longer matches the file: line {} is {:?}, the hunk says {:?}; keep ' ' and '-' lines as they are",
                        hunk.old_start,
                        first + n + 1,
                        actual.unwrap_or("(end of file)"),
                        expected
                    ))
                }
            }
        }
        next_free = first + old.len();
        let new: Vec<&EditedLine> = hunk.lines.iter().filter(|l| l.kind != '-').collect();
        let mut replacement = String::new();
        for line in &new {
            replacement.push_str(line.text);
            if !line.no_newline {
                replacement.push_str(lines.ending);
            }
        }
        let start = lines.start(first);
        let end = lines.start(first + old.len());
        if text[start..end] == replacement {
            continue;
        }
        edits.push(if replacement.is_empty() {
            Edit::deletion(offset(start), offset(end))
        } else {
            Edit::replacement(replacement, offset(start), offset(end))
        });
    }
    Ok(edits)
}

fn offset(at: usize) -> TextSize {
    TextSize::try_from(at).expect("offsets of a parsed file fit in u32")
}

struct Hunk<'a> {
    old_start: usize,
    lines: Vec<EditedLine<'a>>,
}

struct EditedLine<'a> {
    /// ' ' (context), '-' or '+'.
    kind: char,
    text: &'a str,
    /// Followed by `\ No newline at end of file`.
    no_newline: bool,
}

fn parse(edited: &str) -> Result<Vec<Hunk<'_>>, String> {
    let mut hunks: Vec<Hunk> = Vec::new();
    for (n, line) in edited.lines().enumerate() {
        if line.starts_with('#') {
            continue;
        }
        if let Some(header) = line.strip_prefix("@@ -") {
            let digits: String = header.chars().take_while(char::is_ascii_digit).collect();
            let old_start = digits.parse().map_err(|_| format!("line {}: a hunk header needs a line number: {line:?}", n + 1))?;
            hunks.push(Hunk { old_start, lines: Vec::new() });
            continue;
        }
        let Some(hunk) = hunks.last_mut() else {
            if line.trim().is_empty() {
                continue;
            }
            return Err(format!("line {}: text before the first @@ line: {line:?}", n + 1));
        };
        // An editor may strip the lone space of an empty context line.
        let (kind, text) = match line.chars().next() {
            None => (' ', ""),
            Some(kind @ (' ' | '-' | '+')) => (kind, &line[1..]),
            Some('\\') => {
                if let Some(last) = hunk.lines.last_mut() {
                    last.no_newline = true;
                }
                continue;
            }
            Some(_) => return Err(format!("line {}: a hunk line must start with ' ', '-', '+' or '#': {line:?}", n + 1)),
        };
        hunk.lines.push(EditedLine { kind, text: text.strip_suffix('\r').unwrap_or(text), no_newline: false });
    }
    Ok(hunks)
}

/// The lines of the file being edited.
struct Lines<'a> {
    text: &'a str,
    starts: Vec<usize>,
    ending: &'static str,
}

impl<'a> Lines<'a> {
    fn of(text: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(at, _)| at + 1).filter(|&at| at < text.len()));
        if text.is_empty() {
            starts.clear();
        }
        let ending = if text.contains("\r\n") { "\r\n" } else { "\n" };
        Lines { text, starts, ending }
    }

    /// The byte where line `index` (0-based) starts; the end of the text past the last line.
    fn start(&self, index: usize) -> usize {
        self.starts.get(index).copied().unwrap_or(self.text.len())
    }

    /// Line `index` without its line ending.
    fn content(&self, index: usize) -> Option<&'a str> {
        let start = *self.starts.get(index)?;
        let line = &self.text[start..self.start(index + 1)];
        let line = line.strip_suffix('\n').unwrap_or(line);
        Some(line.strip_suffix('\r').unwrap_or(line))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::splice;
    use crate::present::diff;
    use crate::present::text::Palette;

    fn round_trip(old: &str, new: &str) -> String {
        let hunks = diff::hunks(old, new, &Palette::new(false));
        let edits = edits_from(&edit_file("title", &hunks), old).expect("the unedited hunks apply");
        splice(old, &edits)
    }

    #[test]
    fn unedited_hunks_give_the_proposed_text() {
        let old = "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n";
        for new in ["a\nB\nc\nd\ne\nf\ng\nh\ni\nj\n", "x\na\nb\nc\nd\ne\nf\ng\nh\ni\nj\ny\n", "a\nb\nc\nd\ne\nf\ng\nh\ni\n", "b\nc\nd\ne\nf\ng\nh\ni\nJ\n"] {
            assert_eq!(round_trip(old, new), new);
        }
        // CRLF, and no newline at the end of the file.
        assert_eq!(round_trip("a\r\nb\r\nc\r\n", "a\r\nB\r\nc\r\n"), "a\r\nB\r\nc\r\n");
        assert_eq!(round_trip("a\nb", "a\nB"), "a\nB");
        assert_eq!(round_trip("a\nb", "a\nb\nc\n"), "a\nb\nc\n");
    }

    #[test]
    fn a_removed_line_turned_into_context_is_kept_and_a_deleted_added_line_is_not_written() {
        let edited = "# title\n@@ -1,3 +1,3 @@\n a\n b\n+added\n c\n";
        let edits = edits_from(edited, "a\nb\nc\n").unwrap();
        assert_eq!(splice("a\nb\nc\n", &edits), "a\nb\nadded\nc\n");
        let edited = "@@ -1,3 +1,3 @@\n a\n-b\n c\n";
        assert_eq!(splice("a\nb\nc\n", &edits_from(edited, "a\nb\nc\n").unwrap()), "a\nc\n");
        // An editor that strips the space of an empty context line.
        let edited = "@@ -1,3 +1,3 @@\n a\n\n-c\n+C\n";
        assert_eq!(splice("a\n\nc\n", &edits_from(edited, "a\n\nc\n").unwrap()), "a\n\nC\n");
    }

    #[test]
    fn hunks_that_no_longer_match_the_file_are_refused() {
        let error = edits_from("@@ -1,2 +1,2 @@\n x\n-b\n+B\n", "a\nb\n").unwrap_err();
        assert!(error.contains("no longer matches the file: line 1 is \"a\""), "{error}");
        let error = edits_from("@@ -1,2 +1,2 @@\n a\n?b\n", "a\nb\n").unwrap_err();
        assert!(error.contains("must start with ' ', '-', '+' or '#'"), "{error}");
        assert!(edits_from("# only comments\n", "a\n").unwrap().is_empty());
    }

    #[test]
    fn a_reopened_edit_keeps_the_reviewers_text_under_one_note() {
        let edited = "# title\n@@ -1,2 +1,2 @@\n a\n-b\n+B (\n";
        let once = reopened(edited, "The edited fix does not parse: here.");
        assert_eq!(once, format!("# ! The edited fix does not parse: here.\n# ! Fix it below, or delete every line to cancel.\n{edited}"));
        let twice = reopened(&once.replace("B (", "B ("), "Another problem.");
        assert!(twice.starts_with("# ! Another problem.\n") && !twice.contains("here.") && twice.ends_with(edited), "{twice}");
        assert_eq!(splice("a\nb\n", &edits_from(&twice.replace("+B (", "+B"), "a\nb\n").unwrap()), "a\nB\n");
    }
}
