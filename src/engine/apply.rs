//! Applying fixes: accept each fix whose edits do not collide with edits already accepted,
//! then splice all accepted edits into the text in one sweep. A fix that collides waits for
//! the next pass, when it is computed again on the new text. Time is linear in the number of
//! fixes (each collision test is a lookup in the accepted edits, kept sorted).

use std::collections::BTreeMap;

use ruff_diagnostics::{Applicability, Edit};
use ruff_text_size::{Ranged, TextSize};

use crate::finding::Finding;
use crate::rules::Rule;

pub struct Applied {
    pub text: String,
    /// The rule of each applied fix.
    pub applied: Vec<Rule>,
    /// The index (in the findings given) of each applied fix's finding.
    pub chosen: Vec<usize>,
    /// The edits spliced in, sorted (an edit shared by several fixes appears once).
    pub edits: Vec<Edit>,
}

pub fn apply_fixes(text: &str, findings: &[Finding], threshold: Applicability) -> Applied {
    let mut fixes: Vec<_> = findings
        .iter()
        .enumerate()
        .filter_map(|(index, finding)| finding.fix.as_ref().map(|fix| (index, finding, fix)))
        .filter(|(_, _, fix)| fix.applies(threshold))
        .collect();
    // Where two fixes collide, the one for the later (inner) finding goes first: the fix of a
    // handler nested in another is then in place when the outer one is computed again.
    fixes.sort_by_key(|(index, finding, _)| (std::cmp::Reverse(finding.range.start()), *index));

    let mut accepted = AcceptedEdits::default();
    let mut applied = Vec::new();
    let mut chosen = Vec::new();
    for (index, finding, fix) in fixes {
        // An edit identical to an accepted one (the same import) is shared, not a collision.
        let new: Vec<&Edit> = fix.edits().iter().filter(|edit| !accepted.contains(edit)).collect();
        if new.iter().any(|edit| accepted.collides(edit)) || collide_among(&new) {
            continue;
        }
        for edit in new {
            accepted.insert(edit);
        }
        applied.push(finding.rule);
        chosen.push(index);
    }
    let edits: Vec<Edit> = accepted.by_position.into_values().cloned().collect();
    Applied { text: splice(text, &edits), applied, chosen, edits }
}

/// The accepted edits, sorted by position.
#[derive(Default)]
struct AcceptedEdits<'a> {
    by_position: BTreeMap<(TextSize, TextSize), &'a Edit>,
}

impl<'a> AcceptedEdits<'a> {
    /// Two accepted edits never have the same range (they would collide), so an identical one
    /// is the one accepted at its range: no need to hash every edit's text to find it.
    fn contains(&self, edit: &Edit) -> bool {
        self.by_position.get(&(edit.start(), edit.end())).is_some_and(|&accepted| accepted == edit)
    }

    fn insert(&mut self, edit: &'a Edit) {
        self.by_position.insert((edit.start(), edit.end()), edit);
    }

    /// Accepted edits never overlap, so only the last one starting before `edit` and those
    /// starting inside it can collide with it.
    fn collides(&self, edit: &Edit) -> bool {
        let before = self.by_position.range(..(edit.start(), TextSize::default())).next_back();
        let last_inside = if edit.range().is_empty() { edit.start() } else { edit.end() - TextSize::new(1) };
        let inside = self.by_position.range((edit.start(), TextSize::default())..=(last_inside, TextSize::new(u32::MAX)));
        before.into_iter().chain(inside).any(|(_, other)| collide(edit, other))
    }
}

/// A fix whose own edits collide (a bug in a rule) is never applied.
fn collide_among(edits: &[&Edit]) -> bool {
    let mut sorted = edits.to_vec();
    sorted.sort_by_key(|edit| (edit.start(), edit.end()));
    sorted.windows(2).any(|pair| collide(pair[0], pair[1]))
}

/// `text` with `edits` (sorted, none overlapping) spliced in.
pub fn splice(text: &str, edits: &[Edit]) -> String {
    // The exact length: a text that doubles (a guard per handler) is not copied as it grows.
    let added: usize = edits.iter().map(|edit| edit.content().map_or(0, str::len)).sum();
    let removed: usize = edits.iter().map(|edit| edit.range().len().to_usize()).sum();
    let mut out = String::with_capacity(text.len() + added - removed);
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
