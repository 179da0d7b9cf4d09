//! Unified diffs with `a/` and `b/` prefixes, so `git apply` takes them.

use similar::TextDiff;

use super::text::Palette;

/// The diff of a file. A file with a BOM has it at the start of its first line on disk, so a
/// hunk that touches line 1 shows it there, or `git apply` would not find the line.
pub fn unified(path: &str, old: &str, new: &str, has_bom: bool, palette: &Palette) -> String {
    let header = (format!("a/{path}"), format!("b/{path}"));
    if has_bom {
        return render(Some((&header.0, &header.1)), &format!("\u{feff}{old}"), &format!("\u{feff}{new}"), palette);
    }
    render(Some((&header.0, &header.1)), old, new, palette)
}

/// The diff that creates a file, as `git apply` takes it.
pub fn new_file(path: &str, contents: &str, palette: &Palette) -> String {
    render(Some(("/dev/null", &format!("b/{path}"))), "", contents, palette)
}

/// Only the `@@` hunks, without the file header (the review names the file itself).
pub fn hunks(old: &str, new: &str, palette: &Palette) -> String {
    render(None, old, new, palette)
}

fn render(header: Option<(&str, &str)>, old: &str, new: &str, palette: &Palette) -> String {
    if old == new {
        return String::new();
    }
    // Lines as git counts them: ended by LF only, so a lone CR stays inside a line (a file
    // with lone-CR line endings is a single line to git) and `git apply` takes the hunks.
    let old_lines: Vec<&str> = old.split_inclusive('\n').collect();
    let new_lines: Vec<&str> = new.split_inclusive('\n').collect();
    let diff = TextDiff::configure().newline_terminated(true).diff_slices(&old_lines, &new_lines);
    let mut text = String::new();
    if let Some((old_header, new_header)) = header {
        text.push_str(&format!("--- {old_header}\n+++ {new_header}\n"));
    }
    for hunk in diff.unified_diff().context_radius(3).iter_hunks() {
        text.push_str(&format!("{}\n", hunk.header()));
        for change in hunk.iter_changes() {
            text.push_str(&format!("{}{}", change.tag(), change.value()));
            // similar takes a lone CR for a line end; git does not.
            if !change.value().ends_with('\n') {
                text.push_str("\n\\ No newline at end of file\n");
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
        out.push_str(&format!("{}{body}{}{end}", style.render(), style.render_reset()));
    }
    out
}
