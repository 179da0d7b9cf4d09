//! `--format json`: an array of findings in ruff's layout (`code`, `name`, `message`,
//! `filename`, `location`/`end_location` as 1-based `row`/`column` in characters, and `fix`
//! with its applicability and edits), so tools that read ruff's JSON read this too.

use anyhow::Result;
use ruff_diagnostics::{Applicability, Edit, Fix};
use ruff_text_size::Ranged;
use serde::Serialize;

use crate::engine::FileReport;
use crate::source::{Locations, Position};
use crate::finding::Finding;

#[derive(Serialize)]
struct JsonFinding<'a> {
    code: &'static str,
    name: &'static str,
    message: &'a str,
    filename: &'a str,
    location: JsonPosition,
    end_location: JsonPosition,
    fix: Option<JsonFix>,
    /// Why there is no fix, when there is none and the rule knows why.
    #[serde(skip_serializing_if = "Option::is_none")]
    no_fix_reason: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonPosition {
    row: usize,
    column: usize,
}

impl From<Position> for JsonPosition {
    fn from(position: Position) -> Self {
        JsonPosition { row: position.line, column: position.column }
    }
}

#[derive(Serialize)]
struct JsonFix {
    /// `safe` or `unsafe`.
    applicability: &'static str,
    /// Whether this run applies it (`--write`, with `--unsafe-fixes` for unsafe ones).
    applies: bool,
    /// Why an unsafe fix is unsafe: what may change on a path where the task was not cancelled.
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
    edits: Vec<JsonEdit>,
}

#[derive(Serialize)]
struct JsonEdit {
    content: String,
    location: JsonPosition,
    end_location: JsonPosition,
}

pub fn applicability_name(fix: &Fix) -> &'static str {
    match fix.applicability() {
        Applicability::Safe => "safe",
        Applicability::Unsafe => "unsafe",
        Applicability::DisplayOnly => "display-only",
    }
}

/// The findings of every file, in path order.
pub fn document(files: &[(&FileReport, &str, &[Finding])]) -> Result<String> {
    let mut out = Vec::new();
    for (report, text, findings) in files {
        let locations = Locations::new(text);
        for located in super::locate(&report.display, &locations, findings) {
            let finding = located.finding;
            out.push(JsonFinding {
                code: finding.rule.code(),
                name: finding.rule.name(),
                message: &finding.message,
                filename: &report.display,
                location: located.start.into(),
                end_location: located.end.into(),
                fix: finding.fix.as_ref().map(|fix| JsonFix {
                    applicability: applicability_name(fix),
                    applies: fix.applies(report.threshold),
                    reason: finding.reason.clone(),
                    edits: fix.edits().iter().map(|edit| json_edit(edit, &locations)).collect(),
                }),
                no_fix_reason: finding.fix.is_none().then_some(finding.reason.as_deref()).flatten(),
            });
        }
    }
    Ok(serde_json::to_string_pretty(&out)?)
}

fn json_edit(edit: &Edit, locations: &Locations) -> JsonEdit {
    JsonEdit {
        content: edit.content().unwrap_or_default().to_string(),
        location: locations.position(edit.start()).into(),
        end_location: locations.position(edit.end()).into(),
    }
}
