//! The text format: one line per finding (`path:line:col: CODE [*] message`), the proposed
//! diff, and a summary in the ruff/black habit.

use anstyle::{AnsiColor, Style};
use ruff_diagnostics::Applicability;

use crate::engine::FileReport;
use crate::source::Locations;
use crate::transforms::Finding;

/// Colours, or none when the output is not a terminal.
#[derive(Clone, Copy, Debug)]
pub struct Palette {
    enabled: bool,
    pub bold: Style,
    pub added: Style,
    pub removed: Style,
    pub hunk: Style,
    pub code: Style,
    pub error: Style,
}

impl Palette {
    pub fn new(enabled: bool) -> Self {
        let color = |c: AnsiColor| if enabled { Style::new().fg_color(Some(c.into())) } else { Style::new() };
        Palette {
            enabled,
            bold: if enabled { Style::new().bold() } else { Style::new() },
            added: color(AnsiColor::Green),
            removed: color(AnsiColor::Red),
            hunk: color(AnsiColor::Cyan),
            code: if enabled { Style::new().bold().fg_color(Some(AnsiColor::Red.into())) } else { Style::new() },
            error: if enabled { Style::new().bold().fg_color(Some(AnsiColor::Red.into())) } else { Style::new() },
        }
    }

    pub fn enabled(&self) -> bool {
        self.enabled
    }

    pub fn paint(&self, style: Style, text: &str) -> String {
        if self.enabled {
            format!("{}{text}{}", style.render(), style.render_reset())
        } else {
            text.to_string()
        }
    }
}

/// How a finding's fix relates to this run.
fn fix_marker(finding: &Finding, threshold: Applicability) -> &'static str {
    match &finding.fix {
        Some(fix) if fix.applies(threshold) => " [*]",
        Some(fix) if fix.applicability() == Applicability::Unsafe => " [unsafe fix]",
        _ => "",
    }
}

/// `path:line:col: CODE [*] message` for each finding, positions taken from `text`.
pub fn finding_lines(display: &str, text: &str, findings: &[Finding], threshold: Applicability, palette: &Palette) -> String {
    let locations = Locations::new(text);
    let mut out = String::new();
    for finding in findings {
        let position = locations.position(finding.range.start());
        out.push_str(&format!(
            "{}:{position}: {}{} {}\n",
            palette.paint(palette.bold, display),
            palette.paint(palette.code, finding.rule.code()),
            fix_marker(finding, threshold),
            finding.message
        ));
    }
    out
}

/// `error: path:line:col: message` for a file that could not be checked.
pub fn error_line(report: &FileReport, palette: &Palette) -> Option<String> {
    let error = report.outcome.as_ref().err()?;
    let place = match error.position() {
        Some(position) => format!("{}:{position}", report.display),
        None => report.display.clone(),
    };
    Some(format!("{}: {place}: {}\n", palette.paint(palette.error, "error"), error.message()))
}

/// Counts over all files, for the summary line.
#[derive(Debug, Default)]
pub struct Tally {
    pub files_checked: usize,
    pub files_with_leaks: usize,
    pub leaks: usize,
    /// Fixes this run applies (or would apply).
    pub fixable: usize,
    /// Unsafe fixes left out because `--unsafe-fixes` was not given.
    pub unsafe_withheld: usize,
    /// Findings with no automatic fix.
    pub report_only: usize,
    pub fixed: usize,
    pub remaining: usize,
    pub files_changed: usize,
    pub errors: usize,
}

impl Tally {
    pub fn add(&mut self, report: &FileReport, threshold: Applicability) {
        self.files_checked += 1;
        let Ok(checked) = &report.outcome else {
            self.errors += 1;
            return;
        };
        if !checked.findings.is_empty() {
            self.files_with_leaks += 1;
        }
        self.leaks += checked.findings.len();
        for finding in &checked.findings {
            match &finding.fix {
                Some(fix) if fix.applies(threshold) => self.fixable += 1,
                Some(fix) if fix.applicability() == Applicability::Unsafe => self.unsafe_withheld += 1,
                _ => self.report_only += 1,
            }
        }
        self.fixed += checked.applied;
        self.remaining += checked.remaining.len();
        if report.changed() {
            self.files_changed += 1;
        }
    }

    fn leaks_in_files(&self) -> String {
        let leaks = plural(self.leaks, "leak", "leaks");
        let files = plural(self.files_with_leaks, "file", "files");
        format!("Found {leaks} in {files}")
    }

    /// The summary of a run that does not write.
    pub fn preview_summary(&self) -> String {
        if self.leaks == 0 {
            return format!("No cancellation leaks found in {}.", plural(self.files_checked, "file", "files"));
        }
        let mut parts = vec![format!("{} fixable with --write", self.fixable)];
        if self.unsafe_withheld > 0 {
            parts.push(format!("{} more with --unsafe-fixes", self.unsafe_withheld));
        }
        if self.report_only > 0 {
            parts.push(format!("{} with no automatic fix", self.report_only));
        }
        format!("{} ({}).", self.leaks_in_files(), parts.join(", "))
    }

    /// The summary of `--write`.
    pub fn write_summary(&self) -> String {
        if self.leaks == 0 && self.fixed == 0 {
            return format!("No cancellation leaks found in {}.", plural(self.files_checked, "file", "files"));
        }
        let mut text = format!("{} ({} fixed, {} need review)", self.leaks_in_files(), self.fixed, self.remaining);
        if self.unsafe_withheld > 0 {
            text.push_str(&format!("; {} of them have unsafe fixes: rerun with --unsafe-fixes to apply", self.unsafe_withheld));
        }
        text.push('.');
        text
    }

    pub fn errors_line(&self) -> Option<String> {
        (self.errors > 0).then(|| format!("{} could not be checked (see errors above).", plural(self.errors, "file", "files")))
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
