//! One file under review: its text as the fixes accepted so far leave it (in memory until the
//! reviewer leaves the file), and which findings the reviewer has already decided on.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use ruff_diagnostics::{Applicability, Edit};
use ruff_text_size::{Ranged, TextRange, TextSize};

use crate::analysis::project::Project;
use crate::paths;
use crate::engine::{self, FileError, Revision};
use crate::rules::Rule;
use crate::settings::Settings;
use crate::source::{SourceError, SourceText};
use crate::finding::Finding;

pub struct FileReview<'s> {
    pub path: PathBuf,
    pub display: String,
    pub settings: Cow<'s, Settings>,
    /// The file as read: written back only if it is still so on disk.
    bytes: Vec<u8>,
    source: SourceText,
    /// The text with the accepted fixes applied.
    pub text: String,
    /// The findings in `text`.
    pub findings: Vec<Finding>,
    /// Findings decided on (accepted, skipped, edited), located in `text`.
    decided: Vec<Decided>,
    pub accepted: usize,
    pub skipped: usize,
    pub edited: usize,
    /// Accepted fixes that turned out to produce code that does not parse (left out).
    pub failed: usize,
    /// Rules whose fixes (or edited fixes) are in `text`.
    pub rules: Vec<Rule>,
}

/// A finding decided on: it is not offered again. After each change the place is carried over
/// to the new text; a place whose code was replaced widens to the replacement, so a finding of
/// the same rule anywhere in it counts as the same finding.
struct Decided {
    rule: Rule,
    place: TextRange,
}

/// Fixes a reviewer may accept: safe and unsafe ones alike (display-only fixes are not offered).
pub fn offered(finding: &Finding) -> bool {
    finding.fix.as_ref().is_some_and(|fix| fix.applies(Applicability::Unsafe))
}

impl<'s> FileReview<'s> {
    pub fn open(path: &Path, settings: &'s Settings) -> Result<Self, FileError> {
        let settings = settings.for_file(path);
        let bytes = std::fs::read(path).map_err(FileError::Read)?;
        let source = SourceText::decode(&bytes).map_err(FileError::Source)?;
        let findings = engine::check_source(&source.text, &settings, &Project::of(path), None)?.findings;
        Ok(FileReview {
            path: path.to_path_buf(),
            display: paths::display(path),
            settings,
            bytes,
            text: source.text.clone(),
            source,
            findings,
            decided: Vec::new(),
            accepted: 0,
            skipped: 0,
            edited: 0,
            failed: 0,
            rules: Vec::new(),
        })
    }

    /// Fixes not decided on yet, in the order of the text.
    pub fn pending(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|finding| offered(finding) && !self.is_decided(finding))
    }

    pub fn next(&self) -> Option<Finding> {
        self.pending().next().cloned()
    }

    fn is_decided(&self, finding: &Finding) -> bool {
        let start = finding.range.start();
        self.decided.iter().any(|d| d.rule == finding.rule && d.place.start() <= start && start <= d.place.end())
    }

    fn decide(&mut self, finding: &Finding) {
        self.decided.push(Decided { rule: finding.rule, place: TextRange::empty(finding.range.start()) });
    }

    /// The text with this one fix applied, to show it as a diff.
    pub fn proposal(&self, finding: &Finding) -> String {
        engine::apply_fixes(&self.text, std::slice::from_ref(finding), Applicability::Unsafe).text
    }

    /// Applies one fix; returns the edits it made. A fix whose result does not parse (a bug in
    /// a rule) is left out.
    pub fn accept(&mut self, finding: &Finding) -> Result<Vec<Edit>, FileError> {
        self.decide(finding);
        match engine::apply_chosen(&self.text, std::slice::from_ref(finding), &self.settings, &Project::of(&self.path)) {
            Ok(revision) => {
                self.accepted += revision.applied.len();
                let edits = revision.edits.clone();
                self.adopt(revision);
                Ok(edits)
            }
            Err(error) => {
                self.failed += 1;
                Err(error)
            }
        }
    }

    pub fn skip(&mut self, finding: &Finding) {
        self.decide(finding);
        self.skipped += 1;
    }

    /// Skips every fix still pending; returns how many.
    pub fn skip_rest(&mut self) -> usize {
        let rest: Vec<Finding> = self.pending().cloned().collect();
        for finding in &rest {
            self.skip(finding);
        }
        rest.len()
    }

    /// Applies every pending fix at or above `threshold`, one at a time in the order of the
    /// text, as answering `y` to each would (a fix that collided with an earlier one is
    /// computed again on the new text); returns each applied fix's rule and where its code is
    /// in the resulting text.
    pub fn accept_all(&mut self, threshold: Applicability) -> Result<Vec<(Rule, TextSize)>, FileError> {
        let applies = |finding: &&Finding| finding.fix.as_ref().is_some_and(|fix| fix.applies(threshold));
        // Every fix decides its finding, so each one is applied once; the bound only guards
        // against a rule whose fixes keep producing new findings.
        let bound = (self.pending().count() + 1) * engine::MAX_PASSES;
        let mut applied: Vec<(Rule, TextSize)> = Vec::new();
        for _ in 0..bound {
            let Some(finding) = self.pending().find(applies).cloned() else { break };
            let edits = self.accept(&finding)?;
            for (_, at) in &mut applied {
                *at = carried(&edits, *at).start();
            }
            applied.push((finding.rule, carried(&edits, finding.range.start()).start()));
        }
        Ok(applied)
    }

    /// Applies the reviewer's edited version of a fix (`edits` of the current text); refuses
    /// one that does not parse.
    pub fn accept_edited(&mut self, finding: &Finding, edits: Vec<Edit>) -> Result<(), SourceError> {
        let revision = engine::revise(&self.text, edits, finding.rule, &self.settings, &Project::of(&self.path))?;
        self.decide(finding);
        self.edited += 1;
        self.adopt(revision);
        Ok(())
    }

    fn adopt(&mut self, revision: Revision) {
        for decided in &mut self.decided {
            let start = carried(&revision.edits, decided.place.start());
            let end = carried(&revision.edits, decided.place.end());
            decided.place = TextRange::new(start.start(), end.end());
        }
        for rule in revision.applied {
            if !self.rules.contains(&rule) {
                self.rules.push(rule);
            }
        }
        self.text = revision.text;
        self.findings = revision.findings;
    }

    /// The text as it was read.
    pub fn original(&self) -> &str {
        &self.source.text
    }

    pub fn changed(&self) -> bool {
        self.text != self.source.text
    }

    /// Writes the text atomically, unless the file changed on disk since it was read.
    pub fn write(&self) -> anyhow::Result<()> {
        engine::write_atomically(&self.path, &self.source.encode(&self.text), &self.bytes)
    }

    /// The accepted fixes as a patch of the file as it was read (`a/` and `b/` paths relative
    /// to the working directory, as `--diff` prints them).
    pub fn patch(&self) -> String {
        crate::present::diff::unified(&self.display, &self.source.text, &self.text, &crate::engine::Changes::between(&self.source.text, &self.text), self.source.has_bom, &crate::present::text::Palette::new(false))
    }
}

/// Where the code at `offset` is after `edits` (sorted, not overlapping): moved by the edits
/// before it (an insertion at `offset` goes before that code); code that an edit replaced is
/// somewhere in the replacement, so the whole replacement is returned.
fn carried(edits: &[Edit], offset: TextSize) -> TextRange {
    let mut delta: i64 = 0;
    for edit in edits {
        let inserted = edit.content().map_or(0, str::len) as i64;
        if edit.end() <= offset {
            delta += inserted - i64::from(u32::from(edit.range().len()));
        } else if edit.start() <= offset {
            let start = shifted(edit.start(), delta);
            return TextRange::new(start, shifted(start, inserted));
        } else {
            break;
        }
    }
    TextRange::empty(shifted(offset, delta))
}

fn shifted(offset: TextSize, delta: i64) -> TextSize {
    TextSize::try_from((i64::from(u32::from(offset)) + delta).max(0) as usize).unwrap_or(offset)
}
