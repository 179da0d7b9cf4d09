//! Interactive review (`cancelsafe -i`): the proposed fixes one at a time, in path order, each
//! with its diff; the reviewer answers with one keystroke, as in `git add -p`.
//!
//! Each file is reviewed on its text in memory: an accepted fix is applied to it at once (the
//! engine's `apply_chosen`, so the shared import or CS201 helper comes with the first fix that
//! needs it and never without one), the result is parsed again and the file checked anew, so
//! the next fix is shown as it applies to what was accepted so far, and a fix that collided
//! with an accepted one, or that only appears after it, is offered in turn. The file is written
//! (atomically) when the reviewer leaves it: at its end, `a`, `d`, `q` or end of input. Ctrl-C
//! leaves the current file untouched; files already left keep their fixes.

mod file;
mod hunk_edit;
mod terminal;

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result};
use rayon::prelude::*;
use ruff_diagnostics::Applicability;
use ruff_text_size::TextSize;

use crate::paths;
use crate::engine::{self, FileError, FileReport};
use crate::present::summary::{plural, shutdown_advice};
use crate::present::text::{self, ColorChoice, Palette};
use crate::present::{diff, EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS};
use crate::rules::Rule;
use crate::settings::{Mode, Settings};
use crate::source::Locations;
use crate::finding::Finding;
use crate::transforms::cs201_fire_and_forget_task::added_shutdown_helper;

use file::{offered, FileReview};
use terminal::{Key, Terminal};

/// 128 + SIGINT, as a shell reports a process ended by Ctrl-C.
const EXIT_INTERRUPTED: u8 = 130;

const PROMPT: &str = "Apply this fix [y,n,a,d,A,e,q,?]? ";
const EDIT_AGAIN: &str = "Edit again (n discards your edit and offers the fix as proposed) [y,n]? ";

pub const KEYS_HELP: &str = "\
y - apply this fix
n - skip this fix
a - apply this fix and every remaining fix in this file
d - skip this fix and every remaining fix in this file
A - apply this fix and every remaining fix in every file
e - edit this fix in $VISUAL or $EDITOR; the edited version is applied if the file still parses
q - quit: write the fixes accepted in this file, apply no other fix
? - print this help
Ctrl-C - abort: this file is left untouched; files already reviewed keep their fixes
a and A apply only the fixes --write would (safe ones, unsafe ones too with --unsafe-fixes);
other unsafe fixes are still asked one at a time. Accepted fixes are written when you leave a
file, and a file changed on disk since it was read is not overwritten.
";

/// Reviews the fixes for `jobs`, the files found and the settings of each.
pub fn run(jobs: &[(PathBuf, Arc<Settings>)], color: ColorChoice) -> Result<u8> {
    let terminal = Terminal::open()?;
    // A first look at every file, in parallel, to count the fixes ahead ([3/17]); each file is
    // read and checked again when its turn comes.
    let scans: Vec<FileReport> = jobs.par_iter().map(|(path, settings)| engine::process_file(path, settings, Mode::Check)).collect();
    let fixes: Vec<usize> = scans
        .iter()
        .map(|report| report.outcome.as_ref().map_or(0, |checked| checked.findings.iter().filter(|f| offered(f)).count()))
        .collect();
    let mut review = Review {
        terminal,
        // Standard output is a terminal (it must be).
        palette: Palette::new(color.enabled(true)),
        error_palette: Palette::new(color.enabled(std::io::stderr().is_terminal())),
        apply_everywhere: false,
        tally: Tally { files_checked: jobs.len(), ..Tally::default() },
        shutdown_helpers: Vec::new(),
    };
    let mut end = End::Finished;
    for (index, (path, settings)) in jobs.iter().enumerate() {
        let later = fixes[index + 1..].iter().sum();
        end = review.file(path, settings, later)?;
        if end != End::Finished {
            review.tally.not_reviewed += later;
            break;
        }
    }
    review.summary(end)
}

/// How the review of a file ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum End {
    Finished,
    Quit,
    Interrupted,
}

/// What the reviewer decided on one fix.
enum Answer {
    Decided,
    /// Accepted this fix and wants the rest of the file (`a`) or of every file (`A`) applied.
    AcceptRest { everywhere: bool },
    SkipRest,
    Stop(End),
}

struct Review {
    terminal: Terminal,
    palette: Palette,
    /// For standard error.
    error_palette: Palette,
    /// `A` was pressed.
    apply_everywhere: bool,
    tally: Tally,
    /// Files written with their own CS201 shutdown coroutine, and its name.
    shutdown_helpers: Vec<(String, String)>,
}

#[derive(Debug, Default)]
struct Tally {
    files_checked: usize,
    accepted: usize,
    skipped: usize,
    edited: usize,
    /// Fixes left unanswered by `q`, end of input or Ctrl-C.
    not_reviewed: usize,
    /// Findings with no automatic fix, shown as notes.
    notes: usize,
    /// Files with at least one fix offered.
    files: usize,
    files_written: usize,
    /// Accepted fixes of the file Ctrl-C left untouched.
    discarded: usize,
    /// Accepted fixes left out because their result did not parse (an internal error).
    failed: usize,
    /// Accepted fixes of files that could not be written (saved as patches instead).
    not_written: usize,
    errors: usize,
}

impl Review {
    fn file(&mut self, path: &Path, settings: &Settings, later: usize) -> Result<End> {
        let mut out = std::io::stdout().lock();
        let mut file = match FileReview::open(path, settings) {
            Ok(file) => file,
            Err(error) => {
                self.error(&paths::display(path), error);
                return Ok(End::Finished);
            }
        };
        let locations = Locations::new(&file.text);
        for finding in file.findings.iter().filter(|f| f.fix.is_none()) {
            let position = locations.position(finding.range.start());
            writeln!(out, "note: {}:{position}: {} {} {} (no automatic fix: fix it by hand)", file.display, finding.rule.code(), finding.rule.name(), finding.message)?;
            self.tally.notes += 1;
        }
        if file.pending().next().is_none() {
            return Ok(End::Finished);
        }
        self.tally.files += 1;
        // What `a` and `A` apply without asking: what --write would.
        let threshold = engine::fix_threshold(&file.settings);
        let mut apply_rest = self.apply_everywhere;
        drop(out);
        let end = loop {
            if self.terminal.interrupted() {
                break End::Interrupted;
            }
            if apply_rest {
                match file.accept_all(threshold) {
                    Ok(applied) => self.print_applied(&file, &applied)?,
                    Err(error) => {
                        self.error(&file.display, error);
                        apply_rest = false;
                    }
                }
            }
            let Some(finding) = file.next() else { break End::Finished };
            match self.ask(&mut file, &finding, later)? {
                Answer::Decided => {}
                Answer::AcceptRest { everywhere } => {
                    apply_rest = true;
                    self.apply_everywhere |= everywhere;
                }
                Answer::SkipRest => {
                    file.skip_rest();
                    break End::Finished;
                }
                Answer::Stop(end) => break end,
            }
        };
        self.leave(file, end)?;
        Ok(end)
    }

    /// Shows one fix and asks until the reviewer decides.
    fn ask(&mut self, file: &mut FileReview, finding: &Finding, later: usize) -> Result<Answer> {
        let proposal = file.proposal(finding);
        self.show(file, finding, &proposal, later)?;
        loop {
            let key = self.terminal.key(&self.palette.paint(self.palette.bold, PROMPT))?;
            let answer = match key {
                Key::Char('y') => self.accept(file, finding, Answer::Decided),
                Key::Char('n') => {
                    file.skip(finding);
                    Answer::Decided
                }
                Key::Char('a') => self.accept(file, finding, Answer::AcceptRest { everywhere: false }),
                Key::Char('A') => self.accept(file, finding, Answer::AcceptRest { everywhere: true }),
                Key::Char('d') => {
                    file.skip(finding);
                    Answer::SkipRest
                }
                Key::Char('e') => {
                    if self.edit(file, finding, &proposal)? {
                        Answer::Decided
                    } else {
                        self.show(file, finding, &proposal, later)?;
                        continue;
                    }
                }
                Key::Char('q') | Key::EndOfInput => Answer::Stop(End::Quit),
                Key::Interrupt => Answer::Stop(End::Interrupted),
                Key::Char('?') => {
                    print!("{KEYS_HELP}");
                    continue;
                }
                Key::Char(other) => {
                    println!("`{other}` is not an answer; press ? for help.");
                    continue;
                }
            };
            return Ok(answer);
        }
    }

    fn accept(&mut self, file: &mut FileReview, finding: &Finding, answer: Answer) -> Answer {
        if let Err(error) = file.accept(finding) {
            self.error(&file.display, error);
        }
        answer
    }

    /// What `a` or `A` applied without asking: one line per fix, where it is in the file now.
    fn print_applied(&self, file: &FileReview, applied: &[(Rule, TextSize)]) -> Result<()> {
        if applied.is_empty() {
            return Ok(());
        }
        let key = if self.apply_everywhere { "A" } else { "a" };
        let mut out = std::io::stdout().lock();
        let fixes = plural(applied.len(), "more fix", "more fixes");
        writeln!(out, "{}", self.palette.paint(self.palette.bold, &format!("Applied {fixes} in {} ({key}):", file.display)))?;
        let locations = Locations::new(&file.text);
        for (rule, at) in applied {
            writeln!(out, "  {}:{} {} {}", file.display, locations.position(*at), rule.code(), rule.name())?;
        }
        Ok(())
    }

    /// `[3/17] path:42:9 CS101 name message`, the fix's safety, its diff.
    fn show(&self, file: &FileReview, finding: &Finding, proposal: &str, later: usize) -> Result<()> {
        let palette = &self.palette;
        let t = &self.tally;
        let done = t.accepted + t.skipped + t.edited + t.failed + file.accepted + file.skipped + file.edited + file.failed;
        let total = done + file.pending().count() + later;
        let position = Locations::new(&file.text).position(finding.range.start());
        let mut out = std::io::stdout().lock();
        writeln!(
            out,
            "\n{} {}:{position} {} {} {}",
            palette.paint(palette.bold, &format!("[{}/{total}]", done + 1)),
            palette.paint(palette.bold, &file.display),
            palette.paint(palette.code, finding.rule.code()),
            finding.rule.name(),
            finding.message
        )?;
        let unsafe_fix = finding.fix.as_ref().is_some_and(|fix| fix.applicability() == Applicability::Unsafe);
        if unsafe_fix {
            writeln!(
                out,
                "{} {} (--write applies it only with --unsafe-fixes; see \"Fix safety\" in `cancelsafe --explain {}`)",
                palette.paint(palette.error, "UNSAFE fix:"),
                finding.reason.as_deref().unwrap_or("it may change more than what happens on cancellation"),
                finding.rule.code()
            )?;
        } else {
            writeln!(out, "{} the kind --write applies", palette.paint(palette.added, "safe fix:"))?;
        }
        if let Some(module) = new_helper_module(&file.settings, finding.rule) {
            writeln!(out, "Accepting it also creates {}, the shared helper module CS201 fixes import from.", paths::display(&module))?;
        }
        write!(out, "{}", diff::hunks(&file.text, proposal, palette))?;
        Ok(())
    }

    /// `e`: the fix's hunks in the editor. Returns whether the fix was decided on (the edited
    /// version applied). An edit that does not apply or parse is reopened with the reviewer's
    /// own text and the reason on top, if they want, as `git add -p` does; otherwise the fix
    /// is offered again as proposed.
    fn edit(&mut self, file: &mut FileReview, finding: &Finding, proposal: &str) -> Result<bool> {
        let title = format!("Edit the {} fix for {}, line {}", finding.rule.code(), file.display, Locations::new(&file.text).position(finding.range.start()).line);
        let hunks = diff::hunks(&file.text, proposal, &Palette::new(false));
        let mut temporary = tempfile::Builder::new().prefix("cancelsafe-fix-").suffix(".diff").tempfile().context("cannot create the file to edit")?;
        temporary.write_all(hunk_edit::edit_file(&title, &hunks).as_bytes())?;
        temporary.flush()?;
        loop {
            let status = self.terminal.edit(temporary.path())?;
            if !status.success() {
                println!("The editor exited with {status}; nothing was applied. The fix is offered again.");
                return Ok(false);
            }
            let edited = std::fs::read_to_string(temporary.path()).context("cannot read the edited fix back")?;
            let problem = match hunk_edit::edits_from(&edited, &file.text) {
                Err(reason) => format!("The edited fix does not apply: {reason}."),
                Ok(_) if !edited.lines().any(|line| line.starts_with("@@")) => {
                    println!("The edit was cancelled (no hunk left). The fix is offered again.");
                    return Ok(false);
                }
                Ok(edits) if engine::splice(&file.text, &edits) == proposal => {
                    println!("(unchanged: the fix is applied as proposed)");
                    self.accept(file, finding, Answer::Decided);
                    return Ok(true);
                }
                Ok(edits) => match file.accept_edited(finding, edits) {
                    Ok(()) => {
                        println!("Edited fix applied.");
                        return Ok(true);
                    }
                    Err(error) => format!(
                        "The edited fix does not parse: {} at line {}, column {} of the file as edited.",
                        error.message, error.position.line, error.position.column
                    ),
                },
            };
            println!("{}", self.palette.paint(self.palette.error, &problem));
            loop {
                match self.terminal.key(&self.palette.paint(self.palette.bold, EDIT_AGAIN))? {
                    Key::Char('y') => break,
                    Key::Char('n') | Key::EndOfInput | Key::Interrupt => {
                        println!("Your edit is discarded. The fix is offered again.");
                        return Ok(false);
                    }
                    _ => println!("Answer y to edit again, n to discard your edit."),
                }
            }
            std::fs::write(temporary.path(), hunk_edit::reopened(&edited, &problem)).context("cannot reopen the edited fix")?;
        }
    }

    /// The reviewer leaves a file: write what was accepted (Ctrl-C: nothing) and count it.
    /// Fixes count as accepted only once they are written; accepted fixes that could not be
    /// written are saved as a patch.
    fn leave(&mut self, file: FileReview, end: End) -> Result<()> {
        let pending = file.pending().count();
        let applied = file.accepted + file.edited;
        self.tally.skipped += file.skipped;
        self.tally.failed += file.failed;
        if end == End::Interrupted {
            self.tally.not_reviewed += pending + applied;
            self.tally.discarded += applied;
            if file.changed() {
                println!("\nInterrupted: {} left untouched (its {} discarded).", file.display, plural(applied, "accepted fix", "accepted fixes"));
            }
            return Ok(());
        }
        self.tally.not_reviewed += pending;
        if !file.changed() {
            self.tally.accepted += file.accepted;
            self.tally.edited += file.edited;
            return Ok(());
        }
        match self.write(&file) {
            Ok(()) => {
                self.tally.accepted += file.accepted;
                self.tally.edited += file.edited;
                self.tally.files_written += 1;
                if let Some(name) = added_shutdown_helper(file.original(), &file.text) {
                    self.shutdown_helpers.push((file.display.clone(), name));
                }
                println!("Wrote {} ({}).", file.display, plural(applied, "fix", "fixes"));
            }
            Err(error) => {
                self.tally.not_written += applied;
                let saved = save_patch(&file);
                self.error(&file.display, FileError::Write(error));
                match saved {
                    Ok(patch) => println!(
                        "Your {} for {} are saved in {patch}: look at the file, then apply them from here with `git apply {patch}` (or `patch -p1 < {patch}`).",
                        plural(applied, "accepted fix", "accepted fixes"),
                        file.display
                    ),
                    Err(error) => eprintln!("{}: cannot save the accepted fixes as a patch: {error:#}", self.error_palette.paint(self.error_palette.error, "error")),
                }
            }
        }
        Ok(())
    }

    /// Writes a reviewed file, creating the shared helper module first if its CS201 fixes
    /// import from one that does not exist yet.
    fn write(&self, file: &FileReview) -> Result<()> {
        if file.rules.contains(&Rule::FireAndForgetTask) {
            if let Some(module) = engine::helper_module::missing_for(&file.settings) {
                let display = paths::display(&module.path);
                engine::create_new(&module.path, module.contents.as_bytes())
                    .with_context(|| format!("cannot create the shared helper module {display}; {} not written", file.display))?;
                println!("Created the shared helper module {display} (CS201 fixes import from it): call `await {}.cancel_tracked_tasks()` from your shutdown path.", module.name);
            }
        }
        file.write()
    }

    /// `error: path:line:col: message`, as the other modes print it.
    fn error(&mut self, display: &str, error: FileError) {
        eprint!("{}", text::error_text(display, &error, &self.error_palette));
        self.tally.errors += 1;
    }

    fn summary(&self, end: End) -> Result<u8> {
        let t = &self.tally;
        let mut out = std::io::stdout().lock();
        writeln!(out)?;
        if t.files == 0 && t.notes == 0 && t.errors == 0 {
            writeln!(out, "No cancellation leaks found in {}.", plural(t.files_checked, "file", "files"))?;
        } else if t.files == 0 {
            writeln!(out, "No fixes to review.")?;
        } else {
            writeln!(
                out,
                "Accepted {}, skipped {}, edited {} in {} ({} written).",
                t.accepted,
                t.skipped,
                t.edited,
                plural(t.files, "file", "files"),
                plural(t.files_written, "file", "files")
            )?;
        }
        if t.not_written > 0 {
            writeln!(out, "{} not written: the file could not be written (see above; each is saved as a patch).", plural(t.not_written, "accepted fix was", "accepted fixes were"))?;
        }
        if t.not_reviewed > 0 {
            let how = if end == End::Interrupted { "interrupted" } else { "quit" };
            writeln!(out, "{} not applied ({how} before the end of the review).", plural(t.not_reviewed, "fix", "fixes"))?;
        }
        if t.notes > 0 {
            writeln!(out, "{} no automatic fix (shown as notes).", plural(t.notes, "leak has", "leaks have"))?;
        }
        if let Some(advice) = shutdown_advice(&self.shutdown_helpers, true) {
            writeln!(out, "{advice}")?;
        }
        if t.errors > 0 {
            writeln!(std::io::stderr(), "{} (see above).", plural(t.errors, "error", "errors"))?;
        }
        let code = if end == End::Interrupted {
            EXIT_INTERRUPTED
        } else if t.errors > 0 {
            EXIT_ERROR
        } else if t.skipped + t.not_reviewed + t.notes > 0 {
            EXIT_FINDINGS
        } else {
            EXIT_CLEAN
        };
        Ok(code)
    }
}

/// Saves the file's accepted fixes as `<file>.cancelsafe.patch` beside it (`-2`, `-3` … if
/// that exists); returns its path as the user should type it.
fn save_patch(file: &FileReview) -> Result<String> {
    let patch = file.patch();
    let mut error = None;
    for n in 1..100 {
        let suffix = if n == 1 { String::new() } else { format!("-{n}") };
        let mut name = file.path.clone().into_os_string();
        name.push(format!(".cancelsafe{suffix}.patch"));
        let path = PathBuf::from(name);
        match engine::create_new(&path, patch.as_bytes()) {
            Ok(()) => return Ok(paths::display(&path)),
            Err(failure) if path.exists() => error = Some(failure),
            Err(failure) => return Err(failure),
        }
    }
    Err(error.unwrap_or_else(|| anyhow::anyhow!("no free name")))
}

/// The module a fix of `rule` would create: accepting it says so.
fn new_helper_module(settings: &Settings, rule: Rule) -> Option<PathBuf> {
    (rule == Rule::FireAndForgetTask).then(|| engine::helper_module::missing_for(settings)).flatten().map(|module| module.path)
}
