//! The rewrite engine: for one source, run the transforms, apply non-overlapping fixes, repeat
//! until nothing changes, and verify the result parses. For one file, add reading and
//! (atomic) writing. It knows nothing about any particular leak.

mod apply;
pub mod cache;
pub mod helper_module;
mod write;

use std::path::Path;

use ruff_diagnostics::{Applicability, Edit};

pub use apply::{apply_fixes, splice};
pub use write::{create_new, write_atomically};

use crate::rules::Rule;
use crate::settings::{Mode, Settings};
use crate::source::{self, Position, SourceError, SourceText};
use crate::finding::Finding;
use crate::transforms::check_module;

/// Passes beyond this are a bug in a transform (a fix that keeps re-firing).
pub const MAX_PASSES: usize = 8;

/// The outcome for one source text.
#[derive(Debug)]
pub struct Checked {
    /// Findings in the original text.
    pub findings: Vec<Finding>,
    /// The text after applying every applicable fix (the original if none applied).
    pub fixed: String,
    /// The rule of each applied fix.
    pub applied: Vec<Rule>,
    /// Findings left in the fixed text.
    pub remaining: Vec<Finding>,
}

impl Checked {
    /// The outcome of a check that applies nothing.
    pub fn unfixed(text: &str, findings: Vec<Finding>) -> Checked {
        Checked { remaining: findings.clone(), findings, fixed: text.to_string(), applied: Vec::new() }
    }
}

/// Why a file produced no result.
#[derive(Debug)]
pub enum FileError {
    Read(std::io::Error),
    Source(SourceError),
    /// Applying fixes produced code that does not parse: a bug in a rule. Nothing is written.
    BrokenFix { rules: Vec<Rule>, error: SourceError },
    Write(anyhow::Error),
}

impl FileError {
    pub fn position(&self) -> Option<Position> {
        match self {
            FileError::Source(error) | FileError::BrokenFix { error, .. } => Some(error.position),
            FileError::Read(_) | FileError::Write(_) => None,
        }
    }

    pub fn message(&self) -> String {
        match self {
            FileError::Read(error) => format!("cannot read file: {error}"),
            FileError::Source(error) => error.message.clone(),
            FileError::BrokenFix { rules, error } => {
                let codes: Vec<&str> = rules.iter().map(|r| r.code()).collect();
                format!(
                    "internal error: fixes for {} produced code that does not parse ({} at {} of the fixed text); the file was left untouched — please report this",
                    codes.join(", "),
                    error.message,
                    error.position
                )
            }
            FileError::Write(error) => format!("cannot write file: {error:#}"),
        }
    }
}

/// Which fixes a run applies.
pub fn fix_threshold(settings: &Settings) -> Applicability {
    if settings.unsafe_fixes {
        Applicability::Unsafe
    } else {
        Applicability::Safe
    }
}

/// Checks a source text and, when `apply` is given, applies the fixes at or above that
/// applicability, pass after pass, verifying that the result parses.
pub fn check_source(text: &str, settings: &Settings, apply: Option<Applicability>) -> Result<Checked, FileError> {
    let findings = findings_in(text, settings).map_err(FileError::Source)?;
    let Some(threshold) = apply else { return Ok(Checked::unfixed(text, findings)) };
    let mut current = text.to_string();
    let mut current_findings = findings.clone();
    let mut applied = Vec::new();
    for _ in 0..MAX_PASSES {
        let outcome = apply_fixes(&current, &current_findings, threshold);
        if outcome.applied.is_empty() {
            break;
        }
        current_findings =
            findings_in(&outcome.text, settings).map_err(|error| FileError::BrokenFix { rules: distinct(&outcome.applied), error })?;
        applied.extend(outcome.applied);
        current = outcome.text;
    }
    Ok(Checked { findings, fixed: current, applied, remaining: current_findings })
}

/// Parses `text` and runs the rules on it (noqa applied): the findings alone, for front ends that
/// apply nothing (the language server).
pub fn findings_in(text: &str, settings: &Settings) -> Result<Vec<Finding>, SourceError> {
    let parsed = source::parse(text)?;
    let mut findings = check_module(&parsed, text, settings);
    crate::noqa::retain_unsuppressed(&mut findings, &parsed, text);
    Ok(findings)
}

fn distinct(rules: &[Rule]) -> Vec<Rule> {
    let mut rules = rules.to_vec();
    rules.sort();
    rules.dedup();
    rules
}

/// A text after a reviewer's choice (`cancelsafe -i`), parsed again and checked anew.
#[derive(Debug)]
pub struct Revision {
    pub text: String,
    /// The edits that turned the previous text into `text`, sorted.
    pub edits: Vec<Edit>,
    /// The rule of each chosen fix that was applied; one that collided with an earlier one was
    /// not, and is computed again on `text`.
    pub applied: Vec<Rule>,
    /// Findings in `text`.
    pub findings: Vec<Finding>,
}

/// Applies the fixes of the `chosen` findings, safe or unsafe (the reviewer accepted them), in
/// one pass of [`apply_fixes`]: an edit several fixes share (an import, CS201's helper) comes
/// with the first of them that is chosen and is applied once. As in [`check_source`], a result
/// that does not parse is an internal error.
pub fn apply_chosen(text: &str, chosen: &[Finding], settings: &Settings) -> Result<Revision, FileError> {
    let outcome = apply_fixes(text, chosen, Applicability::Unsafe);
    let revision = Revision { text: outcome.text, edits: outcome.edits, applied: outcome.applied, findings: Vec::new() };
    recheck(revision, settings).map_err(|(rules, error)| FileError::BrokenFix { rules, error })
}

/// `text` with `edits` spliced in (a fix the reviewer edited), parsed again and checked anew;
/// a result that does not parse is refused with the parser's error.
pub fn revise(text: &str, edits: Vec<Edit>, rule: Rule, settings: &Settings) -> Result<Revision, SourceError> {
    let revision = Revision { text: splice(text, &edits), edits, applied: vec![rule], findings: Vec::new() };
    recheck(revision, settings).map_err(|(_, error)| error)
}

fn recheck(mut revision: Revision, settings: &Settings) -> Result<Revision, (Vec<Rule>, SourceError)> {
    match findings_in(&revision.text, settings) {
        Ok(findings) => {
            revision.findings = findings;
            Ok(revision)
        }
        Err(error) => Err((distinct(&revision.applied), error)),
    }
}

/// The result of processing one file, kept whole so output can be printed in path order.
#[derive(Debug)]
pub struct FileReport {
    /// The path as the user should read it (relative to the working directory), or `-`.
    pub display: String,
    /// The file's text; empty (as is `fixed`) for a file with no finding and no change.
    pub original: String,
    pub outcome: Result<Checked, FileError>,
    /// Whether the fixed text was written to disk.
    pub written: bool,
    /// The fixes this file's settings apply (safe, or unsafe too).
    pub threshold: Applicability,
}

impl FileReport {
    /// A file with no finding and nothing to change.
    pub fn clean(display: String, threshold: Applicability) -> FileReport {
        let outcome = Ok(Checked { findings: Vec::new(), fixed: String::new(), applied: Vec::new(), remaining: Vec::new() });
        FileReport { display, original: String::new(), outcome, written: false, threshold }
    }

    pub fn changed(&self) -> bool {
        matches!(&self.outcome, Ok(checked) if checked.fixed != self.original)
    }

    pub fn applied(&self, rule: Rule) -> bool {
        matches!(&self.outcome, Ok(checked) if checked.applied.contains(&rule))
    }
}

/// Reads, checks and (in `--write` mode) rewrites one file.
pub fn process_file(path: &Path, settings: &Settings, mode: Mode) -> FileReport {
    match std::fs::read(path) {
        Ok(bytes) => process_bytes(path, &bytes, settings, mode),
        Err(error) => {
            let threshold = fix_threshold(&settings.for_file(path));
            FileReport { display: crate::paths::display(path), original: String::new(), outcome: Err(FileError::Read(error)), written: false, threshold }
        }
    }
}

/// Checks and (in `--write` mode) rewrites one file, given the bytes read from it.
pub fn process_bytes(path: &Path, bytes: &[u8], settings: &Settings, mode: Mode) -> FileReport {
    let settings = &*settings.for_file(path);
    let threshold = fix_threshold(settings);
    let display = crate::paths::display(path);
    let source = match SourceText::decode(bytes) {
        Ok(source) => source,
        Err(error) => return FileReport { display, original: String::new(), outcome: Err(FileError::Source(error)), written: false, threshold },
    };
    let apply = (mode != Mode::Check).then_some(threshold);
    let mut outcome = check_source(&source.text, settings, apply);
    if let Ok(checked) = &outcome {
        if checked.findings.is_empty() && checked.remaining.is_empty() && checked.fixed == source.text {
            // Nothing to show: keep no text. Reports are held until they are printed in path
            // order, and on a large tree most files are clean.
            return FileReport::clean(display, threshold);
        }
    }
    let mut written = false;
    if let Ok(checked) = &outcome {
        if mode == Mode::Write && checked.fixed != source.text {
            match write_atomically(path, &source.encode(&checked.fixed), bytes) {
                Ok(()) => written = true,
                Err(error) => outcome = Err(FileError::Write(error)),
            }
        }
    }
    FileReport { display, original: source.text, outcome, written, threshold }
}

/// Checks text read from standard input.
pub fn process_stdin(bytes: &[u8], settings: &Settings, mode: Mode) -> (FileReport, Option<SourceText>) {
    let display = "-".to_string();
    let threshold = fix_threshold(settings);
    match SourceText::decode(bytes) {
        Ok(source) => {
            let apply = (mode != Mode::Check).then_some(threshold);
            let outcome = check_source(&source.text, settings, apply);
            (FileReport { display, original: source.text.clone(), outcome, written: false, threshold }, Some(source))
        }
        Err(error) => (FileReport { display, original: String::new(), outcome: Err(FileError::Source(error)), written: false, threshold }, None),
    }
}
