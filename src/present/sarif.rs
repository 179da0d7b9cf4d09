//! `--format sarif`: SARIF 2.1.0 for code scanning. One run; the driver lists every rule (stable
//! ids, descriptions from the rule pages); each result has its location and, when it has one,
//! the fix as `fixes[].artifactChanges`. Columns count Unicode code points, as everywhere in
//! cancelsafe, so the run says `"columnKind": "unicodeCodePoints"`.

use anyhow::Result;
use ruff_text_size::Ranged;
use serde_json::{json, Value};

use crate::engine::FileReport;
use crate::rules::Rule;
use crate::source::{Locations, Position};
use crate::finding::Finding;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
/// Relative artifact URIs resolve against this base: the working directory of the run.
const SOURCE_ROOT: &str = "%SRCROOT%";

pub fn document(files: &[(&FileReport, &str, &[Finding])]) -> Result<String> {
    let rules: Vec<Value> = Rule::ALL.iter().map(|rule| rule_descriptor(*rule)).collect();
    let mut results = Vec::new();
    for (report, text, findings) in files {
        let locations = Locations::new(text);
        let artifact = json!({ "uri": uri_path(&report.display), "uriBaseId": SOURCE_ROOT });
        for located in super::locate(&report.display, &locations, findings) {
            let finding = located.finding;
            let mut result = json!({
                "ruleId": finding.rule.code(),
                "ruleIndex": Rule::ALL.iter().position(|rule| *rule == finding.rule),
                "level": "error",
                "message": { "text": finding.message },
                "locations": [{
                    "physicalLocation": { "artifactLocation": artifact, "region": region(located.start, located.end) }
                }],
            });
            if let Some(fix) = &finding.fix {
                let replacements: Vec<Value> = fix
                    .edits()
                    .iter()
                    .map(|edit| {
                        json!({
                            "deletedRegion": region(locations.position(edit.start()), locations.position(edit.end())),
                            "insertedContent": { "text": edit.content().unwrap_or_default() },
                        })
                    })
                    .collect();
                result["fixes"] = json!([{
                    "description": { "text": format!("{} for {}", finding.fix_label(), finding.rule.code()) },
                    "artifactChanges": [{ "artifactLocation": artifact, "replacements": replacements }],
                }]);
            }
            results.push(result);
        }
    }
    let root = std::env::current_dir().map(|cwd| format!("file://{}/", uri_path(&cwd.to_string_lossy()))).unwrap_or_default();
    let log = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "cancelsafe",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "originalUriBaseIds": { SOURCE_ROOT: { "uri": root } },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    Ok(serde_json::to_string_pretty(&log)?)
}

fn rule_descriptor(rule: Rule) -> Value {
    let full = format!("{}\n\n{}", rule.section("What it does"), rule.section("Why is this bad?"));
    json!({
        "id": rule.code(),
        "name": rule.name(),
        "shortDescription": { "text": rule.summary() },
        "fullDescription": { "text": full },
        "help": { "text": rule.page(), "markdown": rule.page() },
        "defaultConfiguration": { "level": "error" },
    })
}

/// A region; an insertion is a region of length zero.
fn region(start: Position, end: Position) -> Value {
    json!({ "startLine": start.line, "startColumn": start.column, "endLine": end.line, "endColumn": end.column })
}

/// Percent-encodes what may not appear in a URI path.
fn uri_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || b"/-._~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}
