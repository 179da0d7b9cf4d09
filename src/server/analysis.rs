//! What the engine says about one version of a document: its findings under the settings that
//! govern the file, or why there are none. The engine runs behind a guard, so that a failure
//! on one document is reported, not fatal.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::sync::Arc;

use ruff_diagnostics::Applicability;
use ruff_text_size::{TextLen, TextRange, TextSize};

use super::workspace::Workspace;
use crate::analysis::project::Project;
use crate::engine::{self, Found};
use crate::finding::Finding;
use crate::settings::Settings;

const BOM: char = '\u{feff}';

/// The outcome for one version of a document.
#[derive(Debug)]
pub enum Analysis {
    Checked {
        settings: Arc<Settings>,
        /// Findings in the document's text (after a BOM, if it has one: see [`body`]).
        findings: Vec<Finding>,
        /// Whether their fixes are verified yet (see [`super::verifier`]).
        verification: Verification,
    },
    /// The configuration excludes the file.
    Excluded,
    /// The text does not parse (yet): nothing to report until it does.
    SyntaxError,
    /// A bad setting or configuration file: the message names it.
    BadConfiguration(String),
    /// The engine failed on this text: a bug, reported without stopping the server.
    Failed(String),
}

/// Where the fixes of a [`Analysis::Checked`] stand.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verification {
    /// The worker is verifying them, as the job of this analysis.
    Pending(u64),
    Done,
}

/// The part of the editor's text the engine reads (a BOM aside), and where it starts.
pub fn body(text: &str) -> (&str, TextSize) {
    match text.strip_prefix(BOM) {
        Some(rest) => (rest, BOM.text_len()),
        None => (text, TextSize::default()),
    }
}

/// A range in the body, as a range in the whole text.
pub fn in_text(range: TextRange, start: TextSize) -> TextRange {
    range + start
}

/// The findings of a document's text, their fixes not yet verified: the analysis (its
/// verification [`Verification::Pending`] as `job`), and what the verifier needs.
pub fn analyze(text: &str, path: Option<&Path>, workspace: &Workspace, job: u64) -> (Analysis, Option<Found>) {
    let settings = match workspace.settings_for(path) {
        Ok(Some(settings)) => settings,
        Ok(None) => return (Analysis::Excluded, None),
        Err(message) => return (Analysis::BadConfiguration(message), None),
    };
    let (body, _) = body(text);
    let project = path.map_or_else(Project::default, Project::of);
    match guarded(|| engine::found_in(body, &settings, &project)) {
        Ok(Ok(found)) => {
            let findings = found.findings().to_vec();
            (Analysis::Checked { settings, findings, verification: Verification::Pending(job) }, Some(found))
        }
        Ok(Err(_)) => (Analysis::SyntaxError, None),
        Err(panic) => (Analysis::Failed(panic), None),
    }
}

/// The text with the fixes `settings` apply (safe ones, unsafe too with `unsafe-fixes`), or
/// `None` if nothing changes or the engine refuses (a fix that would not parse).
pub fn fix_all(body: &str, settings: &Settings, project: &Project) -> Option<String> {
    let threshold: Applicability = engine::fix_threshold(settings);
    let checked = guarded(|| engine::check_source(body, settings, project, Some(threshold))).ok()?.ok()?;
    (checked.fixed != body).then_some(checked.fixed)
}

/// Runs `work`, turning a panic into its message.
pub fn guarded<T>(work: impl FnOnce() -> T) -> Result<T, String> {
    catch_unwind(AssertUnwindSafe(work)).map_err(|panic| {
        let message = panic
            .downcast_ref::<&str>()
            .map(|text| text.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_string());
        format!("internal error: {message} — please report this")
    })
}
