//! Applying fixes: accept each fix whose edits do not collide with edits already accepted,
//! then splice all accepted edits into the text in one sweep. A fix that collides waits for
//! the next pass, when it is computed again on the new text.

use ruff_diagnostics::{Applicability, Edit};
use ruff_text_size::{Ranged, TextSize};

use crate::rules::Rule;
use crate::finding::Finding;

pub struct Applied {
    pub text: String,
    /// The rule of each applied fix.
    pub applied: Vec<Rule>,
    /// The edits spliced in, sorted (an edit shared by several fixes appears once).
    pub edits: Vec<Edit>,
}

pub fn apply_fixes(text: &str, findings: &[Finding], threshold: Applicability) -> Applied {
    let mut fixes: Vec<_> = findings
        .iter()
        .filter_map(|finding| finding.fix.as_ref().map(|fix| (finding.rule, fix)))
        .filter(|(_, fix)| fix.applies(threshold))
        .collect();
    fixes.sort_by_key(|(_, fix)| fix.min_start());

    let mut accepted: Vec<&Edit> = Vec::new();
    let mut applied = Vec::new();
    for (rule, fix) in fixes {
        // An edit identical to an accepted one (the same import) is shared, not a collision.
        let new: Vec<&Edit> = fix.edits().iter().filter(|edit| !accepted.contains(edit)).collect();
        if new.iter().any(|edit| accepted.iter().any(|other| collide(edit, other))) {
            continue;
        }
        accepted.extend(new);
        applied.push(rule);
    }
    let mut edits: Vec<Edit> = accepted.into_iter().cloned().collect();
    edits.sort_by_key(|edit| (edit.start(), edit.end()));
    Applied { text: splice(text, &edits), applied, edits }
}

/// `text` with `edits` (sorted, none overlapping) spliced in.
pub fn splice(text: &str, edits: &[Edit]) -> String {
    let mut out = String::with_capacity(text.len() + 256);
    let mut cursor = TextSize::default();
    for edit in edits {
        out.push_str(&text[cursor.to_usize()..edit.start().to_usize()]);
        out.push_str(edit.content().unwrap_or_default());
        cursor = edit.end();
    }
    out.push_str(&text[cursor.to_usize()..]);
    out
}

/// Two edits collide when their ranges overlap, or both insert at the same point (their order
/// would be arbitrary).
fn collide(a: &Edit, b: &Edit) -> bool {
    if a.range().is_empty() && b.range().is_empty() {
        return a.start() == b.start();
    }
    a.start() < b.end() && b.start() < a.end()
}
