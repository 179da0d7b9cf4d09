//! The rewrite engine: for one source, run the transforms, verify their fixes, apply the
//! non-overlapping ones, repeat until nothing changes. For one file, add reading and
//! (atomic) writing. It knows nothing about any particular leak.

mod apply;
pub mod changes;
pub mod cache;
pub mod helper_module;
mod verify;
mod write;

use std::path::Path;

use ruff_diagnostics::{Applicability, Edit};

pub use apply::{apply_fixes, splice};
pub use changes::Changes;
pub use verify::cpython_refuses;
pub use verify::offsets::partition_point_near;
pub use write::{create_new, write_atomically};

use crate::analysis::project::Project;
use crate::edits::Placement;
use crate::finding::Finding;
use crate::rules::Rule;
use crate::settings::{Mode, Settings};
use crate::source::{self, Module, Position, SourceError, SourceText};
use crate::transforms::check_module;
use apply::Applied;
use ruff_text_size::TextSize;
use verify::offsets::OffsetMap;
use verify::Verifier;

/// Passes beyond this are a bug in a transform (a fix that keeps re-firing). Fixes nested in
/// one another (a handler inside a handler) take one pass per level, and CPython allows about
/// ten levels of handlers (20 static blocks) and 99 of indentation.
pub const MAX_PASSES: usize = 100;

/// The stack the walks of one module may need: the parser refuses nesting beyond
/// [`source::MAX_NESTING`], and each level of a walk takes well under this divided by it.
pub const STACK_SIZE: usize = 256 * 1024 * 1024;

/// Runs `work` with [`STACK_SIZE`] of stack: on this thread if it has that much left (the
/// worker threads get it), else on a stack grown for it.
pub fn with_stack<T>(work: impl FnOnce() -> T) -> T {
    stacker::maybe_grow(STACK_SIZE / 2, STACK_SIZE, work)
}

/// The outcome for one source text.
#[derive(Debug)]
pub struct Checked {
    /// Findings in the original text; a fix that failed verification has been taken off its
    /// finding, which says why instead.
    pub findings: Vec<Finding>,
    /// The text after applying every applicable fix (the original if none applied).
    pub fixed: String,
    /// Where `fixed` differs from the original (what a diff compares).
    pub changes: Changes,
    /// The rule of each applied fix.
    pub applied: Vec<Rule>,
    /// Findings left in the fixed text.
    pub remaining: Vec<Finding>,
}

impl Checked {
    /// The outcome of a check that applies nothing.
    pub fn unfixed(text: &str, findings: Vec<Finding>) -> Checked {
        Checked { remaining: findings.clone(), findings, fixed: text.to_string(), changes: Changes::default(), applied: Vec::new() }
    }
}

/// Why a file produced no result.
#[derive(Debug)]
pub enum FileError {
    Read(std::io::Error),
    Source(SourceError),
    /// Fixes chosen together (`-i`) produced code that fails verification. Nothing is written.
    BrokenFix { rules: Vec<Rule>, reason: String },
    Write(anyhow::Error),
}

impl FileError {
    pub fn position(&self) -> Option<Position> {
        match self {
            FileError::Source(error) => Some(error.position),
            FileError::Read(_) | FileError::BrokenFix { .. } | FileError::Write(_) => None,
        }
    }

    pub fn message(&self) -> String {
        match self {
            FileError::Read(error) => format!("cannot read file: {error}"),
            FileError::Source(error) => error.message.clone(),
            FileError::BrokenFix { rules, reason } => {
                let codes: Vec<&str> = rules.iter().map(|r| r.code()).collect();
                format!("the fixes for {} were not applied: {reason}; the file was left untouched", codes.join(", "))
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
/// applicability, pass after pass. Every fix shown or applied has been verified (parse,
/// CPython's compile rules, the structural check); one that failed is taken off its finding,
/// which carries the reason.
pub fn check_source(text: &str, settings: &Settings, project: &Project, apply: Option<Applicability>) -> Result<Checked, FileError> {
    with_stack(|| {
        let module = source::parse(text).map_err(FileError::Source)?;
        let mut pass = Pass::new(text.to_string(), module, settings, project);
        // Without `apply`, every fix is still verified (all of them together first: one parse).
        let mut step = pass.combine(apply.unwrap_or(Applicability::Unsafe));
        pass.verify_rest();
        let findings = pass.findings.clone();
        let Some(threshold) = apply else {
            return Ok(Checked { remaining: findings.clone(), findings, fixed: pass.text, changes: Changes::default(), applied: Vec::new() });
        };
        let mut applied = Vec::new();
        let mut changes = Changes::default();
        for _ in 1..MAX_PASSES {
            let Some(next) = step else { break };
            changes = changes.then(&Changes::of_edits(&next.edits));
            pass = Pass::new(next.text, next.module, settings, project);
            pass.refuse_refiring(&next.edits, &next.fixed);
            applied.extend(next.rules);
            step = pass.combine(threshold);
        }
        pass.verify_rest();
        Ok(Checked { findings, fixed: pass.text, changes, applied, remaining: pass.findings })
    })
}

/// The findings of `text` (noqa applied), their fixes verified, none applied: for front ends
/// that apply nothing (the language server).
pub fn findings_in(text: &str, settings: &Settings, project: &Project) -> Result<Vec<Finding>, SourceError> {
    Ok(found_in(text, settings, project)?.verify())
}

/// The findings of `text` (noqa applied) before their fixes are verified: what an editor can
/// show at once, while [`Found::verify`] (which may take a fix off its finding, with the
/// reason) runs later or elsewhere.
pub fn found_in(text: &str, settings: &Settings, project: &Project) -> Result<Found, SourceError> {
    with_stack(|| {
        let module = source::parse(text)?;
        Ok(Found(Pass::new(text.to_string(), module, settings, project)))
    })
}

/// A text's findings whose fixes are not verified yet (see [`found_in`]).
pub struct Found(Pass);

impl Found {
    pub fn findings(&self) -> &[Finding] {
        &self.0.findings
    }

    /// The findings, every fix they carry verified (a failing one taken off, with the reason).
    pub fn verify(mut self) -> Vec<Finding> {
        with_stack(|| {
            self.0.verify_rest();
            self.0.findings
        })
    }
}

/// One text, its findings and what their fixes declare; which fixes have passed verification.
struct Pass {
    text: String,
    module: Module,
    findings: Vec<Finding>,
    placements: Vec<Placement>,
    verified: Vec<bool>,
}

/// The verified result of applying a set of fixes.
struct Step {
    text: String,
    module: Module,
    rules: Vec<Rule>,
    edits: Vec<Edit>,
    /// The rule and place of each finding whose fix was applied.
    fixed: Vec<(Rule, TextSize)>,
}

impl Step {
    fn new(pass: &Pass, applied: Applied, module: Module) -> Step {
        let fixed = applied.chosen.iter().map(|&index| (pass.findings[index].rule, pass.findings[index].range.start())).collect();
        Step { text: applied.text, module, rules: applied.applied, edits: applied.edits, fixed }
    }
}

impl Pass {
    fn new(text: String, module: Module, settings: &Settings, project: &Project) -> Pass {
        let matches = check_module(&module, &text, settings, project);
        let mut findings = matches.findings;
        crate::noqa::retain_unsuppressed(&mut findings, &module, &text);
        let verified = vec![false; findings.len()];
        Pass { text, module, findings, placements: matches.placements, verified }
    }

    fn verifier(&self) -> Verifier<'_> {
        Verifier::new(&self.text, &self.module, &self.placements)
    }

    /// Applies the fixes at or above `threshold` that do not collide, all verified: together
    /// if they pass together (one parse); else each one alone, and the ones that fail alone
    /// are taken off their findings; then the rest together, or one by one as they fit.
    fn combine(&mut self, threshold: Applicability) -> Option<Step> {
        let together = apply_fixes(&self.text, &self.findings, threshold);
        if together.chosen.is_empty() {
            return None;
        }
        if let Ok(module) = self.verifier().verify(&together.text, &together.edits) {
            for &index in &together.chosen {
                self.verified[index] = true;
            }
            return Some(Step::new(self, together, module));
        }
        for &index in &together.chosen {
            self.verify_alone(index);
        }
        let rest = apply_fixes(&self.text, &self.findings, threshold);
        if rest.chosen.is_empty() {
            return None;
        }
        if rest.chosen.iter().all(|&index| self.verified[index]) {
            if let Ok(module) = self.verifier().verify(&rest.text, &rest.edits) {
                return Some(Step::new(self, rest, module));
            }
        }
        self.one_by_one(threshold)
    }

    /// Fixes that pass alone but not together: add them one at a time, keeping each that
    /// still verifies; the others wait for the next pass.
    fn one_by_one(&mut self, threshold: Applicability) -> Option<Step> {
        let candidates = apply_fixes(&self.text, &self.findings, threshold).chosen;
        let mut kept: Vec<usize> = Vec::new();
        let mut best: Option<Step> = None;
        for index in candidates {
            if !self.verify_alone(index) {
                continue;
            }
            kept.push(index);
            let findings: Vec<Finding> = kept.iter().map(|&k| self.findings[k].clone()).collect();
            let trial = apply_fixes(&self.text, &findings, Applicability::Unsafe);
            match self.verifier().verify(&trial.text, &trial.edits) {
                Ok(module) => {
                    let chosen = trial.chosen.iter().map(|&k| kept[k]).collect();
                    best = Some(Step::new(self, Applied { chosen, ..trial }, module));
                }
                Err(_) => {
                    kept.pop();
                }
            }
        }
        best
    }

    /// A finding the previous pass fixed, back in the same place: its fix does not remove it,
    /// and would be applied again on every pass. It is taken off (a bug in a rule).
    fn refuse_refiring(&mut self, edits: &[Edit], fixed: &[(Rule, TextSize)]) {
        let map = OffsetMap::new(edits);
        for finding in &mut self.findings {
            if finding.fix.is_some() && fixed.contains(&(finding.rule, map.start(finding.range.start()))) {
                finding.fix = None;
                finding.reason = Some("the fix was not applied again: applying it did not remove the finding — please report this".to_string());
            }
        }
    }

    /// Verifies one fix on its own; a fix that fails is taken off its finding, with the reason.
    fn verify_alone(&mut self, index: usize) -> bool {
        if self.verified[index] {
            return true;
        }
        let Some(fix) = &self.findings[index].fix else { return false };
        let alone = apply_fixes(&self.text, std::slice::from_ref(&self.findings[index]), fix.applicability());
        match self.verifier().verify(&alone.text, &alone.edits) {
            Ok(_) => {
                self.verified[index] = true;
                true
            }
            Err(refusal) => {
                let finding = &mut self.findings[index];
                finding.fix = None;
                finding.reason = Some(if refusal.is_limit {
                    format!("the fix was not applied: {}", refusal.message)
                } else {
                    format!("the fix was not applied: {} — a bug in cancelsafe, please report it", refusal.message)
                });
                false
            }
        }
    }

    /// Verifies every fix not verified yet (those no pass applied), so that every fix a
    /// finding carries (in JSON, SARIF, `-i`) is one that passes: as many as do not collide
    /// at once (one parse for all of them), one at a time only where such a set fails.
    fn verify_rest(&mut self) {
        loop {
            let pending: Vec<usize> = (0..self.findings.len()).filter(|&i| self.findings[i].fix.is_some() && !self.verified[i]).collect();
            if pending.is_empty() {
                return;
            }
            let unverified: Vec<Finding> = pending.iter().map(|&i| self.findings[i].clone()).collect();
            let together = apply_fixes(&self.text, &unverified, Applicability::Unsafe);
            let chosen: Vec<usize> = together.chosen.iter().map(|&k| pending[k]).collect();
            if chosen.is_empty() {
                return;
            }
            if self.verifier().verify(&together.text, &together.edits).is_ok() {
                for index in chosen {
                    self.verified[index] = true;
                }
            } else {
                for index in chosen {
                    self.verify_alone(index);
                }
            }
        }
    }
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
    /// Findings in `text`, their fixes verified.
    pub findings: Vec<Finding>,
}

/// Applies the fixes of the `chosen` findings of `text`, safe or unsafe (the reviewer accepted
/// them), in one pass of [`apply_fixes`]: an edit several fixes share (an import, CS201's
/// helper) comes with the first of them that is chosen and is applied once. The result is
/// verified as `--write`'s is; one that fails is refused.
pub fn apply_chosen(text: &str, chosen: &[Finding], settings: &Settings, project: &Project) -> Result<Revision, FileError> {
    with_stack(|| {
        let module = source::parse(text).map_err(FileError::Source)?;
        let before = Pass::new(text.to_string(), module, settings, project);
        let outcome = apply_fixes(text, chosen, Applicability::Unsafe);
        let module = before
            .verifier()
            .verify(&outcome.text, &outcome.edits)
            .map_err(|refusal| FileError::BrokenFix { rules: distinct(&outcome.applied), reason: refusal.message })?;
        let mut after = Pass::new(outcome.text, module, settings, project);
        after.verify_rest();
        Ok(Revision { text: after.text, edits: outcome.edits, applied: outcome.applied, findings: after.findings })
    })
}

/// `text` with `edits` spliced in (a fix the reviewer edited), parsed again and checked anew;
/// a result that does not parse is refused with the parser's error.
pub fn revise(text: &str, edits: Vec<Edit>, rule: Rule, settings: &Settings, project: &Project) -> Result<Revision, SourceError> {
    with_stack(|| {
        let text = splice(text, &edits);
        let module = source::parse(&text)?;
        let mut after = Pass::new(text, module, settings, project);
        after.verify_rest();
        Ok(Revision { text: after.text, edits, applied: vec![rule], findings: after.findings })
    })
}

fn distinct(rules: &[Rule]) -> Vec<Rule> {
    let mut rules = rules.to_vec();
    rules.sort();
    rules.dedup();
    rules
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
    /// The file starts with a BOM (kept out of `original` and `fixed`, kept on disk).
    pub has_bom: bool,
}

impl FileReport {
    /// A file with no finding and nothing to change.
    pub fn clean(display: String, threshold: Applicability) -> FileReport {
        let outcome = Ok(Checked { findings: Vec::new(), fixed: String::new(), changes: Changes::default(), applied: Vec::new(), remaining: Vec::new() });
        FileReport { display, original: String::new(), outcome, written: false, threshold, has_bom: false }
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
        Ok(bytes) => process_bytes(path, &bytes, settings, &Project::of(path), mode),
        Err(error) => {
            let threshold = fix_threshold(&settings.for_file(path));
            FileReport { display: crate::paths::display(path), original: String::new(), outcome: Err(FileError::Read(error)), written: false, threshold, has_bom: false }
        }
    }
}

/// Checks and (in `--write` mode) rewrites one file, given the bytes read from it; `project`
/// reads the modules of the file's project that the rules ask about.
pub fn process_bytes(path: &Path, bytes: &[u8], settings: &Settings, project: &Project, mode: Mode) -> FileReport {
    let settings = &*settings.for_file(path);
    let threshold = fix_threshold(settings);
    let display = crate::paths::display(path);
    let source = match SourceText::decode(bytes) {
        Ok(source) => source,
        Err(error) => return FileReport { display, original: String::new(), outcome: Err(FileError::Source(error)), written: false, threshold, has_bom: false },
    };
    let apply = (mode != Mode::Check).then_some(threshold);
    let mut outcome = check_source(&source.text, settings, project, apply);
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
    FileReport { display, original: source.text, outcome, written, threshold, has_bom: source.has_bom }
}

/// Checks text read from standard input; `path` is the name it was given (`--stdin-filename`),
/// whose project it belongs to.
pub fn process_stdin(bytes: &[u8], settings: &Settings, path: Option<&Path>, mode: Mode) -> (FileReport, Option<SourceText>) {
    let display = "-".to_string();
    let threshold = fix_threshold(settings);
    match SourceText::decode(bytes) {
        Ok(source) => {
            let apply = (mode != Mode::Check).then_some(threshold);
            let project = path.map_or_else(Project::default, Project::of);
            let outcome = check_source(&source.text, settings, &project, apply);
            (FileReport { display, original: source.text.clone(), outcome, written: false, threshold, has_bom: source.has_bom }, Some(source))
        }
        Err(error) => (FileReport { display, original: String::new(), outcome: Err(FileError::Source(error)), written: false, threshold, has_bom: false }, None),
    }
}
