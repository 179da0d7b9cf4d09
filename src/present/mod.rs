//! What the user sees: findings in the chosen format, diffs, statistics and the summary, printed
//! per file in path order from reports built in parallel, and the exit code that goes with them.

pub mod diff;
pub mod github;
pub mod json;
pub mod rule_list;
pub mod sarif;
pub mod summary;
pub mod text;

use std::io::{IsTerminal, Write};

use anyhow::Result;
use clap::ValueEnum;

use crate::paths;
use crate::engine::helper_module::NewModule;
use crate::engine::{self, FileReport};
use crate::settings::Mode;
use crate::source::{Locations, Position};
use crate::finding::Finding;
use crate::rules::Rule;
use crate::transforms::cs201_fire_and_forget_task::added_shutdown_helper;
use summary::Tally;
use text::{ColorChoice, Palette};

/// Exit codes: each means one thing.
pub const EXIT_CLEAN: u8 = 0;
pub const EXIT_FINDINGS: u8 = 1;
pub const EXIT_ERROR: u8 = 2;

/// How findings are printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Findings with the proposed diff (default).
    Text,
    /// One `path:line:col: CODE message` line per finding.
    Concise,
    /// A JSON array of findings with positions and fix edits (ruff's layout).
    Json,
    /// GitHub Actions workflow commands: annotations on the pull request.
    Github,
    /// SARIF 2.1.0, for code scanning (e.g. github/codeql-action/upload-sarif).
    Sarif,
}

impl Format {
    /// Formats a program reads: nothing but the findings goes to stdout.
    fn is_machine_readable(self) -> bool {
        matches!(self, Format::Json | Format::Github | Format::Sarif)
    }
}

/// The output choices of a run.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    pub mode: Mode,
    pub format: Format,
    /// Counts per rule instead of the findings.
    pub statistics: bool,
    /// List the fixes applied (or, without --write, the fixes that would be).
    pub show_fixes: bool,
    /// Findings only: no summary, no progress.
    pub quiet: bool,
    pub exit_zero: bool,
    pub exit_non_zero_on_fix: bool,
    pub color: ColorChoice,
}

/// A finding with the positions users read, in the text it was found in.
pub struct Located<'a> {
    pub path: &'a str,
    pub finding: &'a Finding,
    pub start: Position,
    pub end: Position,
}

/// A file that could not be read, parsed or written (or a helper module that could not be
/// created), as the machine formats report it: at the error's position, at 1:1 where the error
/// has none (as ruff reports an unreadable file).
pub struct Failure {
    pub path: String,
    pub position: Position,
    /// What failed: `read`, `parse`, `fix` (fixes chosen together failed verification) or
    /// `write`.
    pub kind: &'static str,
    pub message: String,
}

impl Failure {
    fn of(report: &FileReport) -> Option<Failure> {
        let error = report.outcome.as_ref().err()?;
        let kind = match error {
            engine::FileError::Read(_) => "read",
            engine::FileError::Source(_) => "parse",
            engine::FileError::BrokenFix { .. } => "fix",
            engine::FileError::Write(_) => "write",
        };
        let position = error.position().unwrap_or(Position { line: 1, column: 1 });
        Some(Failure { path: report.display.clone(), position, kind, message: error.message() })
    }
}

/// The findings a run shows for one file, and the text their positions refer to: those of the
/// original, or after `--write` those left in the fixed text.
pub fn shown(report: &FileReport, mode: Mode) -> Option<(&str, &[Finding])> {
    let checked = report.outcome.as_ref().ok()?;
    Some(match mode {
        Mode::Write => (&checked.fixed, &checked.remaining),
        Mode::Check | Mode::Preview | Mode::Diff => (&report.original, &checked.findings),
    })
}

pub fn locate<'a>(path: &'a str, locations: &Locations, findings: &'a [Finding]) -> Vec<Located<'a>> {
    findings
        .iter()
        .map(|finding| Located {
            path,
            finding,
            start: locations.position(finding.range.start()),
            end: locations.position(finding.range.end()),
        })
        .collect()
}

/// One file's findings in a line-based format.
fn finding_lines(report: &FileReport, text_: &str, findings: &[Finding], format: Format, palette: &Palette) -> String {
    match format {
        Format::Github => github::annotations(&report.display, text_, findings),
        _ => text::finding_lines(&report.display, text_, findings, report.threshold, palette),
    }
}

/// One file's findings in any format (standard-input mode).
pub fn findings(report: &FileReport, mode: Mode, format: Format) -> Result<String> {
    let Some((text_, findings)) = shown(report, mode) else { return Ok(String::new()) };
    Ok(match format {
        Format::Json => json::document(&[(report, text_, findings)], &[])? + "\n",
        Format::Sarif => sarif::document(&[(report, text_, findings)], &[])? + "\n",
        Format::Text | Format::Concise | Format::Github => finding_lines(report, text_, findings, format, &Palette::new(false)),
    })
}

/// One file's failure in a machine format (standard-input mode), as a run on files reports
/// it; empty for the text formats, which give errors on stderr only.
pub fn failure(report: &FileReport, format: Format) -> Result<String> {
    let failures: Vec<Failure> = Failure::of(report).into_iter().collect();
    Ok(match format {
        Format::Json => json::document(&[], &failures)? + "\n",
        Format::Sarif => sarif::document(&[], &failures)? + "\n",
        Format::Github => github::failure_annotations(&failures),
        Format::Text | Format::Concise => String::new(),
    })
}

/// Prints everything about a run and returns its exit code.
pub fn report(reports: &[FileReport], new_modules: &[NewModule], options: Options, stdout: &mut impl Write) -> Result<u8> {
    let palette = Palette::new(!options.format.is_machine_readable() && options.color.enabled(std::io::stdout().is_terminal()));
    let error_palette = Palette::new(options.color.enabled(std::io::stderr().is_terminal()));
    let mut stderr = std::io::stderr().lock();
    let mut tally = Tally::default();
    let mut diff_non_empty = false;
    let mut collected: Vec<(&FileReport, &str, &[Finding])> = Vec::new();
    // Files that failed, for the machine formats (the text formats print them on stderr only).
    let mut failures: Vec<Failure> = Vec::new();
    // Notes about the run: after the findings, where the summary goes.
    let mut notes = String::new();
    for report in reports {
        tally.add(report);
        if let Some(line) = text::error_line(report, &error_palette) {
            write!(stderr, "{line}")?;
            failures.extend(Failure::of(report));
            continue;
        }
        let Some((text_, findings)) = shown(report, options.mode) else { continue };
        // Only --diff and the text preview print the diff; nothing else pays for it.
        let patch = || match &report.outcome {
            Ok(checked) => diff::unified(&report.display, &report.original, &checked.fixed, &checked.changes, report.has_bom, &palette),
            Err(_) => String::new(),
        };
        if options.mode == Mode::Diff {
            let patch = patch();
            diff_non_empty |= !patch.is_empty();
            write!(stdout, "{patch}")?;
            continue;
        }
        if options.statistics {
            tally.count_rules(findings, report.threshold);
            continue;
        }
        match options.format {
            Format::Json | Format::Sarif => collected.push((report, text_, findings)),
            Format::Text | Format::Concise | Format::Github => {
                write!(stdout, "{}", finding_lines(report, text_, findings, options.format, &palette))?;
                if options.format == Format::Text && options.mode == Mode::Preview {
                    write!(stdout, "{}", patch())?;
                }
            }
        }
    }
    for module in new_modules {
        let display = paths::display(&module.path);
        match options.mode {
            Mode::Write => match engine::create_new(&module.path, module.contents.as_bytes()) {
                Ok(()) => notes.push_str(&format!(
                    "Created the shared helper module {display} (CS201 fixes import from it): call `await {}.cancel_tracked_tasks()` from your shutdown path.\n",
                    module.name
                )),
                Err(error) => {
                    let message = format!("cannot create the shared helper module: {error:#}");
                    writeln!(stderr, "{display}: {message}")?;
                    failures.push(Failure { path: display, position: Position { line: 1, column: 1 }, kind: "write", message });
                    tally.errors += 1;
                    tally.write_errors += 1;
                }
            },
            Mode::Diff => {
                diff_non_empty = true;
                write!(stdout, "{}", diff::new_file(&display, &module.contents, &palette))?;
            }
            Mode::Preview if options.format == Format::Text && !options.statistics => {
                write!(stdout, "{}", diff::new_file(&display, &module.contents, &palette))?;
            }
            Mode::Preview | Mode::Check => {}
        }
    }
    if options.mode != Mode::Diff {
        if options.statistics {
            write!(stdout, "{}", tally.statistics(options.format == Format::Json)?)?;
        } else {
            match options.format {
                Format::Json => writeln!(stdout, "{}", json::document(&collected, &failures)?)?,
                Format::Sarif => writeln!(stdout, "{}", sarif::document(&collected, &failures)?)?,
                Format::Github => write!(stdout, "{}", github::failure_annotations(&failures))?,
                Format::Text | Format::Concise => {}
            }
        }
    }
    if options.show_fixes && options.mode != Mode::Diff {
        notes.push_str(&summary::fix_list(reports, options.mode));
    }
    if !options.quiet {
        notes.push_str(&match options.mode {
            Mode::Write => tally.write_summary(),
            _ => tally.preview_summary(),
        });
        notes.push('\n');
        if let Some(advice) = summary::shutdown_advice(&shutdown_helpers(reports), options.mode == Mode::Write) {
            notes.push_str(&advice);
            notes.push('\n');
        }
    }
    // Machine-readable output and the diff stay clean on stdout.
    if options.mode == Mode::Diff || options.format.is_machine_readable() || options.statistics {
        write!(stderr, "{notes}")?;
    } else {
        write!(stdout, "{notes}")?;
    }
    if let Some(line) = tally.errors_line() {
        writeln!(stderr, "{line}")?;
    }
    Ok(exit_code(&tally, diff_non_empty, options))
}

/// The files whose CS201 fixes added a shutdown coroutine (a module's own copy of the
/// helper), and its name.
fn shutdown_helpers(reports: &[FileReport]) -> Vec<(String, String)> {
    reports
        .iter()
        .filter(|report| report.applied(Rule::FireAndForgetTask))
        .filter_map(|report| {
            let fixed = &report.outcome.as_ref().ok()?.fixed;
            Some((report.display.clone(), added_shutdown_helper(&report.original, fixed)?))
        })
        .collect()
}

fn exit_code(tally: &Tally, diff_non_empty: bool, options: Options) -> u8 {
    if tally.errors > 0 {
        return EXIT_ERROR;
    }
    if options.exit_zero {
        return EXIT_CLEAN;
    }
    let failed = match options.mode {
        Mode::Diff => diff_non_empty,
        Mode::Write => tally.remaining > 0 || (options.exit_non_zero_on_fix && tally.fixed > 0),
        Mode::Check | Mode::Preview => tally.leaks > 0,
    };
    if failed {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    }
}
