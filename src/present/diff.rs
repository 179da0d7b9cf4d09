//! Unified diffs with `a/` and `b/` prefixes, so `git apply` takes them.

use similar::TextDiff;

use super::text::Palette;

pub fn unified(path: &str, old: &str, new: &str, palette: &Palette) -> String {
    render(&format!("a/{path}"), &format!("b/{path}"), old, new, palette)
}

/// The diff that creates a file, as `git apply` takes it.
pub fn new_file(path: &str, contents: &str, palette: &Palette) -> String {
    render("/dev/null", &format!("b/{path}"), "", contents, palette)
}

fn render(old_header: &str, new_header: &str, old: &str, new: &str, palette: &Palette) -> String {
    if old == new {
        return String::new();
    }
    let diff = TextDiff::from_lines(old, new);
    let text = diff.unified_diff().context_radius(3).header(old_header, new_header).to_string();
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
