//! Unified diffs with `a/` and `b/` prefixes, so `git apply` takes them.

use similar::TextDiff;

use super::text::Palette;

pub fn unified(path: &str, old: &str, new: &str, palette: &Palette) -> String {
    render(Some((&format!("a/{path}"), &format!("b/{path}"))), old, new, palette)
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
    let diff = TextDiff::from_lines(old, new);
    let mut unified = diff.unified_diff();
    unified.context_radius(3);
    if let Some((old_header, new_header)) = header {
        unified.header(old_header, new_header);
    }
    let text = unified.to_string();
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
