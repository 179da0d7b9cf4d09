//! The command line: flags defined once (help text comes from them), turned into one validated
//! [`Settings`] before any work starts, then the run and its exit code.

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::{Parser, ValueEnum};
use rayon::prelude::*;

use crate::config;
use crate::engine::helper_module::NewModule;
use crate::engine::{self, fix_threshold, FileReport};
use crate::present::diff;
use crate::present::text::{self, Palette, Tally};
use crate::rules::Rule;
use crate::settings::{self, Mode, PerFileIgnores, Settings};

/// Exit codes: each means one thing.
const EXIT_CLEAN: u8 = 0;
const EXIT_FINDINGS: u8 = 1;
const EXIT_ERROR: u8 = 2;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Format {
    /// Findings with the proposed diff (default).
    Text,
    /// One `path:line:col: CODE message` line per finding.
    Concise,
    /// JSON array of findings (not available yet).
    Json,
    /// GitHub Actions workflow commands (not available yet).
    Github,
    /// SARIF 2.1.0 (not available yet).
    Sarif,
}

/// Find asyncio cancellation leaks in Python code and rewrite them.
///
/// With no mode flag, cancelsafe prints each finding and the diff of the fixes it proposes, and
/// writes nothing. Exit codes: 0 no leaks, 1 leaks found (or a non-empty --diff, or leaks left
/// after --write), 2 usage, read or parse error (other files are still processed).
#[derive(Debug, Parser)]
#[command(name = "cancelsafe", version, after_help = AFTER_HELP)]
struct Args {
    /// Files or directories to check; "-" reads standard input and writes the fixed source to
    /// standard output.
    #[arg(value_name = "PATH", default_value = ".")]
    paths: Vec<PathBuf>,

    /// Print only the unified diff of the fixes (summary on stderr); exit 1 if it is non-empty.
    #[arg(long, group = "mode")]
    diff: bool,

    /// Print findings only; write nothing; exit 1 if any leak is found.
    #[arg(long, group = "mode")]
    check: bool,

    /// Apply fixes in place; exit 1 if leaks remain that have no applied fix.
    #[arg(long, visible_alias = "fix", group = "mode")]
    write: bool,

    /// Review the fixes one at a time and apply the ones you accept (needs a terminal).
    ///
    /// Keys, as in `git add -p`: y apply, n skip, a apply the rest of this file, d skip the rest
    /// of this file, A apply the rest of every file, e edit the fix in $VISUAL or $EDITOR, q quit
    /// (the fixes accepted so far are kept), ? help. Unsafe fixes are offered too, marked UNSAFE.
    /// A file is written when you leave it; Ctrl-C leaves the current file untouched.
    #[arg(short = 'i', long, group = "mode")]
    interactive: bool,

    /// Also apply fixes classed unsafe (they may change what runs after a cancellation).
    #[arg(long)]
    unsafe_fixes: bool,

    /// Rule codes or prefixes to enable, comma separated (e.g. CS101,CS2); default all.
    #[arg(long, value_delimiter = ',', value_name = "CODES")]
    select: Vec<String>,

    /// Rule codes or prefixes to disable, comma separated.
    #[arg(long, value_delimiter = ',', value_name = "CODES")]
    ignore: Vec<String>,

    /// Oldest Python the fixed code must run on (py38 … py314); default: from
    /// `requires-python` in pyproject.toml, else py311. Below py311, fixes that need
    /// `Task.cancelling()` are reported but not applied.
    #[arg(long, value_name = "pyXY")]
    target_version: Option<String>,

    /// Seconds a shielded cleanup may take before it is abandoned (used by the shield fix).
    #[arg(long, value_name = "SECONDS")]
    cleanup_timeout: Option<f64>,

    /// Import CS201's task-tracking helper from this module (e.g. `myapp.tasks`) instead of
    /// adding a copy to every module; `--write` creates the module if it does not exist.
    #[arg(long, value_name = "MODULE")]
    helper_module: Option<String>,

    /// How findings are printed.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,

    /// Settings file (a pyproject.toml with [tool.cancelsafe], or a TOML file with the same keys).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,

    /// Ignore configuration files.
    #[arg(long, conflicts_with = "config")]
    no_config: bool,

    /// Print the documentation of a rule and exit.
    #[arg(long, value_name = "CODE")]
    explain: Option<String>,

    /// List the rules and exit.
    #[arg(long)]
    list_rules: bool,
}

const AFTER_HELP: &str = "\
Examples:
  cancelsafe src/                       show leaks and the fixes proposed for them
  cancelsafe --check src/               in CI: fail when a leak is present
  cancelsafe --diff src/ > fix.patch    a patch that `git apply` takes (same as --write)
  cancelsafe --write src/               apply the safe fixes in place
  cancelsafe -i src/                    review the fixes one at a time, apply those you accept
  cancelsafe --explain CS101            what a rule finds and how it fixes it";

pub fn main() -> ExitCode {
    match run() {
        Ok(code) => ExitCode::from(code),
        Err(error) => {
            if is_broken_pipe(&error) {
                return ExitCode::from(EXIT_CLEAN);
            }
            eprintln!("cancelsafe: error: {error:#}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}

fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| cause.downcast_ref::<std::io::Error>().is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe))
}

fn run() -> Result<u8> {
    let args = Args::parse();
    let mut stdout = std::io::stdout().lock();

    if args.list_rules {
        for rule in Rule::ALL {
            writeln!(stdout, "{}  {:<36} {}", rule.code(), rule.name(), rule.summary())?;
        }
        return Ok(EXIT_CLEAN);
    }
    if let Some(code) = &args.explain {
        let Some(rule) = Rule::from_code(code) else {
            let known: Vec<&str> = Rule::ALL.iter().map(|r| r.code()).collect();
            bail!("unknown rule `{code}`; known rules: {}", known.join(", "));
        };
        write!(stdout, "{}", rule.page())?;
        return Ok(EXIT_CLEAN);
    }
    if matches!(args.format, Format::Json | Format::Github | Format::Sarif) {
        bail!("--format {:?} is not available in this version; use --format text or --format concise", args.format);
    }

    let (settings, project_root) = resolve_settings(&args)?;
    if args.interactive {
        if args.paths.iter().any(|p| p.as_os_str() == "-") {
            bail!("-i reviews files in place; standard input (\"-\") cannot be reviewed");
        }
        return crate::review::run(&args.paths, &settings, &project_root);
    }
    let mode = if args.diff {
        Mode::Diff
    } else if args.check {
        Mode::Check
    } else if args.write {
        Mode::Write
    } else {
        Mode::Preview
    };

    if args.paths.iter().any(|p| p.as_os_str() == "-") {
        if args.paths.len() > 1 {
            bail!("\"-\" (standard input) cannot be combined with other paths");
        }
        return run_stdin(&settings, mode, args.format, &mut stdout);
    }

    let files = crate::discover::python_files(&args.paths)?;
    let reports: Vec<FileReport> = files.par_iter().map(|path| engine::process_file(path, &settings, mode)).collect();
    let new_module = needed_helper_module(&reports, &settings, &project_root);
    present(&reports, new_module.as_ref(), &settings, mode, args.format, &mut stdout)
}

/// The settings of the run, and the project root: the configuration file's folder, else the
/// working directory.
fn resolve_settings(args: &Args) -> Result<(Settings, PathBuf)> {
    let config = match (&args.config, args.no_config) {
        (Some(path), _) => config::read(path)?,
        (None, true) => config::Config::default(),
        (None, false) => config::discover(&std::env::current_dir().context("cannot read the working directory")?)?,
    };
    let file = &config.settings;
    let select = if args.select.is_empty() { file.select.clone().unwrap_or_default() } else { args.select.clone() };
    let mut ignore = file.ignore.clone().unwrap_or_default();
    ignore.extend(args.ignore.iter().cloned());
    let rules = settings::select_rules(&select, &ignore)?;
    let target_version = match (&args.target_version, &file.target_version) {
        (Some(text), _) | (None, Some(text)) => settings::parse_target_version(text)?,
        (None, None) => config
            .requires_python
            .as_deref()
            .and_then(settings::target_from_requires_python)
            .unwrap_or(ruff_python_ast::PythonVersion::PY311),
    };
    let cleanup_timeout = args.cleanup_timeout.or(file.cleanup_timeout).unwrap_or(5.0);
    if !(cleanup_timeout.is_finite() && cleanup_timeout > 0.0) {
        bail!("--cleanup-timeout must be a positive number of seconds, not {cleanup_timeout}");
    }
    let helper_module = match args.helper_module.as_ref().or(file.helper_module.as_ref()) {
        Some(module) => Some(settings::parse_helper_module(module)?),
        None => None,
    };
    let cwd = std::env::current_dir().context("cannot read the working directory")?;
    let root = match config.path.as_deref().and_then(Path::parent) {
        Some(folder) if !folder.as_os_str().is_empty() => std::path::absolute(folder).unwrap_or_else(|_| folder.to_path_buf()),
        _ => cwd,
    };
    let per_file_ignores = match &file.per_file_ignores {
        Some(patterns) => {
            let origin = config.path.as_deref().map(|p| p.display().to_string()).unwrap_or_default();
            PerFileIgnores::new(&root, patterns).with_context(|| origin)?
        }
        None => PerFileIgnores::default(),
    };
    let settings = Settings {
        rules,
        target_version,
        cleanup_timeout,
        unsafe_fixes: args.unsafe_fixes || file.unsafe_fixes.unwrap_or(false),
        helper_module,
        per_file_ignores,
    };
    Ok((settings, root))
}

fn run_stdin(settings: &Settings, mode: Mode, format: Format, stdout: &mut impl Write) -> Result<u8> {
    let mut bytes = Vec::new();
    std::io::stdin().read_to_end(&mut bytes).context("cannot read standard input")?;
    let (report, source) = engine::process_stdin(&bytes, settings, mode);
    let palette = Palette::new(false);
    let threshold = fix_threshold(settings);
    let mut stderr = std::io::stderr().lock();
    let checked = match (&report.outcome, source) {
        (Ok(checked), Some(source)) => (checked, source),
        _ => {
            write!(stderr, "{}", text::error_line(&report, &palette).unwrap_or_default())?;
            return Ok(EXIT_ERROR);
        }
    };
    let (checked, source) = checked;
    match mode {
        Mode::Check => {
            write!(stdout, "{}", findings_text(&report.display, &report.original, &checked.findings, threshold, format, &palette))?;
        }
        Mode::Diff => write!(stdout, "{}", diff::unified(&report.display, &report.original, &checked.fixed, &palette))?,
        Mode::Preview | Mode::Write => {
            stdout.write_all(&source.encode(&checked.fixed))?;
            write!(stderr, "{}", findings_text(&report.display, &checked.fixed, &checked.remaining, threshold, format, &palette))?;
        }
    }
    let code = match mode {
        Mode::Check => exit_for(!checked.findings.is_empty()),
        Mode::Diff => exit_for(checked.fixed != report.original),
        Mode::Preview | Mode::Write => exit_for(!checked.remaining.is_empty()),
    };
    Ok(code)
}

/// The shared helper module that applied CS201 fixes import from, if it does not exist yet.
fn needed_helper_module(reports: &[FileReport], settings: &Settings, root: &Path) -> Option<NewModule> {
    let module = settings.helper_module.as_deref()?;
    if !reports.iter().any(|report| report.applied(Rule::FireAndForgetTask)) {
        return None;
    }
    engine::helper_module::missing(module, root, settings.target_version)
}

fn exit_for(findings: bool) -> u8 {
    if findings {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    }
}

fn findings_text(display: &str, text_: &str, findings: &[crate::transforms::Finding], threshold: ruff_diagnostics::Applicability, format: Format, palette: &Palette) -> String {
    let _ = format; // text and concise share the finding line; text adds the diff elsewhere.
    text::finding_lines(display, text_, findings, threshold, palette)
}

fn present(reports: &[FileReport], new_module: Option<&NewModule>, settings: &Settings, mode: Mode, format: Format, stdout: &mut impl Write) -> Result<u8> {
    let palette = Palette::new(std::io::stdout().is_terminal());
    let error_palette = Palette::new(std::io::stderr().is_terminal());
    let threshold = fix_threshold(settings);
    let mut stderr = std::io::stderr().lock();
    let mut tally = Tally::default();
    let mut diff_non_empty = false;
    for report in reports {
        tally.add(report, threshold);
        if let Some(line) = text::error_line(report, &error_palette) {
            write!(stderr, "{line}")?;
            continue;
        }
        let Ok(checked) = &report.outcome else { continue };
        let patch = diff::unified(&report.display, &report.original, &checked.fixed, &palette);
        diff_non_empty |= !patch.is_empty();
        match mode {
            Mode::Diff => write!(stdout, "{patch}")?,
            Mode::Check => write!(stdout, "{}", findings_text(&report.display, &report.original, &checked.findings, threshold, format, &palette))?,
            Mode::Write => write!(stdout, "{}", findings_text(&report.display, &checked.fixed, &checked.remaining, threshold, format, &palette))?,
            Mode::Preview => {
                write!(stdout, "{}", findings_text(&report.display, &report.original, &checked.findings, threshold, format, &palette))?;
                if format == Format::Text && !patch.is_empty() {
                    write!(stdout, "{patch}")?;
                }
            }
        }
    }
    if let Some(module) = new_module {
        let display = engine::display_path(&module.path);
        match mode {
            Mode::Write => match engine::create_new(&module.path, module.contents.as_bytes()) {
                Ok(()) => writeln!(stdout, "Created the shared helper module {display} (CS201 fixes import from it).")?,
                Err(error) => {
                    writeln!(stderr, "{display}: cannot create the shared helper module: {error:#}")?;
                    tally.errors += 1;
                }
            },
            Mode::Diff | Mode::Preview => {
                let patch = diff::new_file(&display, &module.contents, &palette);
                diff_non_empty = true;
                write!(stdout, "{patch}")?;
            }
            Mode::Check => {}
        }
    }
    let summary = match mode {
        Mode::Write => tally.write_summary(),
        _ => tally.preview_summary(),
    };
    if mode == Mode::Diff {
        writeln!(stderr, "{summary}")?;
    } else {
        writeln!(stdout, "{summary}")?;
    }
    if let Some(line) = tally.errors_line() {
        writeln!(stderr, "{line}")?;
    }
    let code = if tally.errors > 0 {
        EXIT_ERROR
    } else {
        match mode {
            Mode::Diff => exit_for(diff_non_empty),
            Mode::Write => exit_for(tally.remaining > 0),
            Mode::Check | Mode::Preview => exit_for(tally.leaks > 0),
        }
    };
    Ok(code)
}
