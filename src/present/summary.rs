//! Counts over a run: the summary line in the ruff/black habit (`Found 12 leaks in 5 files (9
//! fixed, 3 need review).`), `--statistics` and `--show-fixes`.

use std::collections::BTreeMap;

use anyhow::Result;
use ruff_diagnostics::Applicability;
use serde::Serialize;

use crate::engine::{FileError, FileReport};
use crate::rules::Rule;
use crate::settings::Mode;
use crate::finding::Finding;

/// Counts over all files.
#[derive(Debug, Default)]
pub struct Tally {
    pub files_checked: usize,
    pub files_with_leaks: usize,
    pub leaks: usize,
    /// Fixes this run applies (or would apply).
    pub fixable: usize,
    /// Of those, unsafe ones (`--unsafe-fixes`).
    pub unsafe_fixable: usize,
    /// Unsafe fixes left out because `--unsafe-fixes` was not given.
    pub unsafe_withheld: usize,
    /// Findings with no automatic fix.
    pub report_only: usize,
    pub fixed: usize,
    pub remaining: usize,
    pub files_changed: usize,
    /// Files that failed: could not be read, parsed or written (and helper modules that could
    /// not be created).
    pub errors: usize,
    /// Of `errors`, the files whose fixes could not be written.
    pub write_errors: usize,
    /// Per rule, for `--statistics`.
    per_rule: BTreeMap<Rule, RuleCount>,
}

/// One rule's findings by what their fixes are.
#[derive(Debug, Default, Serialize)]
struct RuleCount {
    code: &'static str,
    name: &'static str,
    count: usize,
    /// Fixes this run applies (or would): safe ones, and unsafe ones too with `--unsafe-fixes`.
    fixable: usize,
    safe_fixes: usize,
    unsafe_fixes: usize,
    no_fix: usize,
}

const STATISTICS_LEGEND: &str = "safe fix: --write applies it. unsafe fix: applied only with --unsafe-fixes, or when accepted in
-i (see the diffs with --unsafe-fixes, which writes nothing without --write). no fix: fix it by
hand. Each unsafe or missing fix says why in the findings.
";

impl Tally {
    pub fn add(&mut self, report: &FileReport) {
        let checked = match &report.outcome {
            Ok(checked) => checked,
            Err(error) => {
                self.errors += 1;
                self.write_errors += usize::from(matches!(error, FileError::Write(_)));
                return;
            }
        };
        // Only files with a result count as checked: the summary says nothing about the others.
        self.files_checked += 1;
        if !checked.findings.is_empty() {
            self.files_with_leaks += 1;
        }
        self.leaks += checked.findings.len();
        for finding in &checked.findings {
            match &finding.fix {
                Some(fix) if fix.applies(report.threshold) => {
                    self.fixable += 1;
                    self.unsafe_fixable += usize::from(fix.applicability() == Applicability::Unsafe);
                }
                Some(fix) if fix.applicability() == Applicability::Unsafe => self.unsafe_withheld += 1,
                _ => self.report_only += 1,
            }
        }
        self.fixed += checked.applied.len();
        self.remaining += checked.remaining.len();
        if report.changed() {
            self.files_changed += 1;
        }
    }

    /// Counts the findings `--statistics` reports.
    pub fn count_rules(&mut self, findings: &[Finding], threshold: Applicability) {
        for finding in findings {
            let rule = finding.rule;
            let entry = self.per_rule.entry(rule).or_insert_with(|| RuleCount { code: rule.code(), name: rule.name(), ..RuleCount::default() });
            entry.count += 1;
            match &finding.fix {
                Some(fix) if fix.applicability() == Applicability::Safe => entry.safe_fixes += 1,
                Some(_) => entry.unsafe_fixes += 1,
                None => entry.no_fix += 1,
            }
            entry.fixable += usize::from(finding.fix.as_ref().is_some_and(|fix| fix.applies(threshold)));
        }
    }

    /// `--statistics`: a table with a line per rule and a legend, or JSON.
    pub fn statistics(&self, json: bool) -> Result<String> {
        let counts: Vec<&RuleCount> = self.per_rule.values().collect();
        if json {
            return Ok(serde_json::to_string_pretty(&counts)? + "\n");
        }
        if counts.is_empty() {
            return Ok(String::new());
        }
        let name = counts.iter().map(|count| count.name.len()).max().unwrap_or(0);
        let mut out = format!("count  code   {:<name$}  safe fix  unsafe fix  no fix\n", "name");
        for count in &counts {
            out.push_str(&format!(
                "{:>5}  {}  {:<name$}  {:>8}  {:>10}  {:>6}\n",
                count.count, count.code, count.name, count.safe_fixes, count.unsafe_fixes, count.no_fix
            ));
        }
        out.push('\n');
        out.push_str(STATISTICS_LEGEND);
        Ok(out)
    }

    fn leaks_in_files(&self) -> String {
        let leaks = plural(self.leaks, "leak", "leaks");
        let files = plural(self.files_with_leaks, "file", "files");
        format!("Found {leaks} in {files}")
    }

    /// `No cancellation leaks found in 3 files.`, about the files that were checked only.
    fn no_leaks(&self) -> String {
        if self.files_checked == 0 && self.errors > 0 {
            // A file whose fixes could not be written was checked: its failure is not a check's.
            return match (self.errors > self.write_errors, self.write_errors > 0) {
                (true, true) => "No file could be checked or written.",
                (false, _) => "No fixed file could be written.",
                (true, false) => "No file could be checked.",
            }
            .to_string();
        }
        format!("No cancellation leaks found in {}.", plural(self.files_checked, "file", "files"))
    }

    /// The summary of a run that does not write.
    pub fn preview_summary(&self) -> String {
        if self.leaks == 0 {
            return self.no_leaks();
        }
        let mut parts = vec![match self.unsafe_fixable {
            0 => format!("{} fixable with --write", self.fixable),
            unsafe_fixes => format!("{} fixable with --write --unsafe-fixes, {unsafe_fixes} of them unsafe", self.fixable),
        }];
        if self.unsafe_withheld > 0 {
            parts.push(format!(
                "{} unsafe: `cancelsafe --unsafe-fixes PATH` shows their diffs without writing, `cancelsafe -i` reviews them",
                self.unsafe_withheld
            ));
        }
        if self.report_only > 0 {
            parts.push(format!("{} with no automatic fix", self.report_only));
        }
        format!("{} ({}).", self.leaks_in_files(), parts.join(", "))
    }

    /// The summary of `--write`.
    pub fn write_summary(&self) -> String {
        if self.leaks == 0 && self.fixed == 0 {
            return self.no_leaks();
        }
        let mut text = format!("{} ({} fixed, {} need review)", self.leaks_in_files(), self.fixed, self.remaining);
        if self.unsafe_withheld > 0 {
            text.push_str(&format!(
                "; {} of them have unsafe fixes, each with its reason: review them with `cancelsafe -i` or `--unsafe-fixes --diff`",
                self.unsafe_withheld
            ));
        }
        text.push('.');
        text
    }

    /// `2 files could not be checked, 1 file could not be written (see errors above).`
    pub fn errors_line(&self) -> Option<String> {
        let not_checked = self.errors - self.write_errors;
        let mut parts = Vec::new();
        if not_checked > 0 {
            parts.push(format!("{} could not be checked", plural(not_checked, "file", "files")));
        }
        if self.write_errors > 0 {
            parts.push(format!("{} could not be written", plural(self.write_errors, "file", "files")));
        }
        (!parts.is_empty()).then(|| format!("{} (see errors above).", parts.join(", ")))
    }
}

/// After CS201's fixes gave modules their own shutdown coroutine (`modules`: each file and the
/// coroutine's name): what to call on shutdown, and how to share one helper when several
/// modules got a copy. `written`: the fixes were applied (else they would be).
pub fn shutdown_advice(modules: &[(String, String)], written: bool) -> Option<String> {
    let (first_file, first_name) = modules.first()?;
    let verb = if written { "added" } else { "would add" };
    let why = "so that the tasks still running are cancelled and awaited";
    if modules.len() == 1 {
        return Some(format!("CS201: {verb} `{first_name}()` to {first_file}: call `await {first_name}()` from its shutdown path, {why}."));
    }
    let same_name = modules.iter().all(|(_, name)| name == first_name);
    let shown: Vec<String> = modules
        .iter()
        .take(5)
        .map(|(file, name)| if same_name { file.clone() } else { format!("{file} ({name})") })
        .collect();
    let more = if modules.len() > shown.len() { format!(", and {} more", modules.len() - shown.len()) } else { String::new() };
    let call = if same_name { format!("`await {first_name}()`") } else { "its `await _cancel_tracked_tasks…()`".to_string() };
    let share = if written { "for the fixes still to come" } else { "instead, before you run --write" };
    Some(format!(
        "CS201: {verb} a copy of the task-tracking helper to each of {} ({}{more}): call {call} from each one's shutdown path, {why}. \
         To share one helper {share}, set `helper-module = \"yourpackage.tasks\"` in [tool.cancelsafe] (or pass --helper-module): \
         one `cancel_tracked_tasks()` for the whole project (see `cancelsafe --explain CS201`).",
        plural(modules.len(), "module", "modules"),
        shown.join(", ")
    ))
}

/// `--show-fixes`: the fixes applied per file and rule (`--write`), or those that would be.
pub fn fix_list(reports: &[FileReport], mode: Mode) -> String {
    let mut total = 0;
    let mut body = String::new();
    for report in reports {
        let Ok(checked) = &report.outcome else { continue };
        let rules: Vec<Rule> = match mode {
            Mode::Write => checked.applied.clone(),
            _ => checked.findings.iter().filter(|f| f.fix.as_ref().is_some_and(|fix| fix.applies(report.threshold))).map(|f| f.rule).collect(),
        };
        if rules.is_empty() {
            continue;
        }
        let mut counts: BTreeMap<Rule, usize> = BTreeMap::new();
        for rule in rules {
            *counts.entry(rule).or_default() += 1;
            total += 1;
        }
        body.push_str(&format!("- {}:\n", report.display));
        for (rule, count) in counts {
            body.push_str(&format!("    {count} × {} ({})\n", rule.code(), rule.name()));
        }
    }
    let verb = if mode == Mode::Write { "Fixed" } else { "Would fix" };
    if total == 0 {
        return format!("{verb} nothing.\n");
    }
    format!("{verb} {}:\n{body}", plural(total, "leak", "leaks"))
}

/// `1 file`, `2 files`.
pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
