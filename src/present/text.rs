//! The text and concise formats: one line per finding (`path:line:col: CODE [*] message`);
//! the text format adds the proposed diff (see [`super::diff`]).

use anstyle::{AnsiColor, Style};
use ruff_diagnostics::Applicability;

use crate::engine::{FileError, FileReport};
use crate::source::Locations;
use crate::finding::Finding;

/// `--color`: when output is coloured.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    /// On a terminal, unless the environment says otherwise: FORCE_COLOR (any value) or
    /// CLICOLOR_FORCE (other than 0) colour any output; else NO_COLOR turns colour off.
    #[default]
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    /// Whether output to a stream that is (or is not) a terminal is coloured.
    pub fn enabled(self, terminal: bool) -> bool {
        let set = |name: &str| std::env::var_os(name).filter(|value| !value.is_empty());
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto if set("FORCE_COLOR").is_some() || set("CLICOLOR_FORCE").is_some_and(|value| value != "0") => true,
            ColorChoice::Auto if set("NO_COLOR").is_some() => false,
            ColorChoice::Auto => terminal,
        }
    }
}

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

/// How a finding's fix relates to this run. An unsafe fix that `--unsafe-fixes` applies still
/// says it is unsafe.
pub fn fix_marker(finding: &Finding, threshold: Applicability) -> &'static str {
    match &finding.fix {
        Some(fix) if fix.applies(threshold) && fix.applicability() == Applicability::Unsafe => " [* unsafe fix]",
        Some(fix) if fix.applies(threshold) => " [*]",
        Some(fix) if fix.applicability() == Applicability::Unsafe => " [unsafe fix]",
        _ => "",
    }
}

/// `path:line:col: CODE name [*] message (unsafe fix: reason)` for each finding, positions
/// taken from `text`: an unsafe fix and a missing one say why.
pub fn finding_lines(display: &str, text: &str, findings: &[Finding], threshold: Applicability, palette: &Palette) -> String {
    let locations = Locations::new(text);
    let mut out = String::new();
    for finding in findings {
        let position = locations.position(finding.range.start());
        let why = match &finding.reason {
            Some(_) => format!(" ({})", finding.fix_label()),
            None => String::new(),
        };
        out.push_str(&format!(
            "{}:{position}: {} {}{} {}{why}\n",
            palette.paint(palette.bold, display),
            palette.paint(palette.code, finding.rule.code()),
            finding.rule.name(),
            fix_marker(finding, threshold),
            finding.message
        ));
    }
    out
}

/// `error: path:line:col: message` for a file that could not be checked.
pub fn error_line(report: &FileReport, palette: &Palette) -> Option<String> {
    let error = report.outcome.as_ref().err()?;
    Some(error_text(&report.display, error, palette))
}

/// `error: path:line:col: message` for an error about the file shown as `display`.
pub fn error_text(display: &str, error: &FileError, palette: &Palette) -> String {
    let place = match error.position() {
        Some(position) => format!("{display}:{position}"),
        None => display.to_string(),
    };
    format!("{}: {place}: {}\n", palette.paint(palette.error, "error"), error.message())
}
