//! The command line: flags defined once (help text comes from them), turned into validated
//! settings per folder before any work starts, then the run; what is printed and the exit code
//! come from [`crate::present`].

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{bail, Context, Result};
use clap::Parser;
use indicatif::{ParallelProgressIterator, ProgressBar, ProgressStyle};
use rayon::prelude::*;

use crate::engine::cache::{self, Cache};
use crate::engine::helper_module::NewModule;
use crate::engine::{self, FileReport};
use crate::present::text::{self, ColorChoice, Palette};
use crate::present::{self, diff, Format, Options, EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS};
use crate::rules::Rule;
use crate::settings::{ConfigSource, Mode, Overrides, Resolver, Settings};

/// A progress bar is worth drawing from this many files on.
const PROGRESS_FROM_FILES: usize = 200;

/// Find asyncio cancellation leaks in Python code and rewrite them.
///
/// With no mode flag, cancelsafe prints each finding and the diff of the fixes it proposes, and
/// writes nothing. Settings come from `[tool.cancelsafe]` in the nearest pyproject.toml above
/// each file; flags override them. Exit codes: 0 no leaks, 1 leaks found (or a non-empty
/// --diff, or leaks left after --write), 2 usage, configuration, read or parse error (other
/// files are still processed).
#[derive(Debug, Parser)]
#[command(name = "cancelsafe", version, after_help = AFTER_HELP, args_conflicts_with_subcommands = true)]
struct Args {
    #[command(subcommand)]
    command: Option<Command>,

    /// Files or directories to check; "-" reads standard input and writes the fixed source to
    /// standard output (the findings instead, with --check or a --format other than text;
    /// with --write, the fixed source, and the findings left in it go to standard error).
    #[arg(value_name = "PATH", default_value = ".")]
    paths: Vec<PathBuf>,

    /// With "-": the path of the text on standard input, whose configuration and
    /// per-file-ignores apply and by which outputs name it (for editor plugins).
    #[arg(long, value_name = "PATH", help_heading = "Files")]
    stdin_filename: Option<PathBuf>,

    /// Print only the unified diff of the fixes (summary on stderr); exit 1 if it is non-empty.
    #[arg(long, group = "mode", help_heading = "Mode")]
    diff: bool,

    /// Print findings only; write nothing; exit 1 if any leak is found.
    #[arg(long, group = "mode", help_heading = "Mode")]
    check: bool,

    /// Apply fixes in place; exit 1 if leaks remain that have no applied fix.
    #[arg(long, visible_alias = "fix", group = "mode", help_heading = "Mode")]
    write: bool,

    /// Review the fixes one at a time and apply the ones you accept (needs a terminal).
    ///
    /// Keys, as in `git add -p`: y apply, n skip, a apply the rest of this file, d skip the rest
    /// of this file, A apply the rest of every file, e edit the fix in $VISUAL or $EDITOR, q quit
    /// (the fixes accepted so far are kept), ? help. Unsafe fixes are offered too, marked UNSAFE.
    /// A file is written when you leave it; Ctrl-C leaves the current file untouched.
    #[arg(short = 'i', long, group = "mode", help_heading = "Mode")]
    interactive: bool,

    /// Also apply fixes classed unsafe (they may change what runs after a cancellation).
    #[arg(long, help_heading = "Rules")]
    unsafe_fixes: bool,

    /// Rule codes, names or prefixes to enable, comma separated (e.g. CS101,CS2 or
    /// swallowed-cancellation); default all.
    #[arg(long, value_delimiter = ',', value_name = "CODES", help_heading = "Rules")]
    select: Vec<String>,

    /// Rule codes, names or prefixes to disable, comma separated (added to the config's
    /// `ignore`).
    #[arg(long, value_delimiter = ',', value_name = "CODES", help_heading = "Rules")]
    ignore: Vec<String>,

    /// Oldest Python the fixed code must run on (py38 … py314, or 3.8 … 3.14); default: from
    /// `requires-python` in pyproject.toml, else py311. Below py311, fixes that need
    /// `Task.cancelling()` are reported but not applied.
    #[arg(long, value_name = "pyXY", help_heading = "Rules")]
    target_version: Option<String>,

    /// Seconds a shielded cleanup may take before it is abandoned (used by the shield fix).
    #[arg(long, value_name = "SECONDS", allow_negative_numbers = true, help_heading = "Rules")]
    cleanup_timeout: Option<f64>,

    /// Import CS201's task-tracking helper from this module (e.g. `myapp.tasks`) instead of
    /// adding a copy to every module; `--write` creates the module if it does not exist.
    #[arg(long, value_name = "MODULE", help_heading = "Rules")]
    helper_module: Option<String>,

    /// Globs of files and folders to skip, replacing the defaults (.git, .venv, build, dist,
    /// node_modules, site-packages, …); comma separated.
    #[arg(long, value_delimiter = ',', value_name = "GLOBS", help_heading = "Files")]
    exclude: Option<Vec<String>>,

    /// Globs to skip in addition to the defaults and the config's; comma separated.
    #[arg(long, value_delimiter = ',', value_name = "GLOBS", help_heading = "Files")]
    extend_exclude: Vec<String>,

    /// Apply the exclusions to files named on the command line too (as pre-commit needs).
    #[arg(long, help_heading = "Files")]
    force_exclude: bool,

    /// Settings file (a pyproject.toml with [tool.cancelsafe], or a TOML file with the same
    /// keys) for every path, instead of the nearest pyproject.toml above each file.
    #[arg(long, value_name = "FILE", help_heading = "Configuration")]
    config: Option<PathBuf>,

    /// Ignore configuration files.
    #[arg(long, conflicts_with = "config", help_heading = "Configuration")]
    no_config: bool,

    /// How findings are printed.
    #[arg(long, value_enum, default_value_t = Format::Text, help_heading = "Output")]
    format: Format,

    /// Print the number of findings per rule instead of the findings.
    #[arg(long, help_heading = "Output")]
    statistics: bool,

    /// List the fixes applied (with --write) or that would be, per file and rule.
    #[arg(long, help_heading = "Output")]
    show_fixes: bool,

    /// When to colour the output: auto (on a terminal; FORCE_COLOR, CLICOLOR_FORCE and NO_COLOR
    /// are honoured), always, never.
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = ColorChoice::Auto, help_heading = "Output")]
    color: ColorChoice,

    /// Print findings only: no summary and no progress bar.
    #[arg(short, long, help_heading = "Output")]
    quiet: bool,

    /// Exit 0 even when leaks are found (errors still exit 2).
    #[arg(long, help_heading = "Output")]
    exit_zero: bool,

    /// With --write, exit 1 when any fix was applied, even if no leak remains.
    #[arg(long, conflicts_with = "exit_zero", help_heading = "Output")]
    exit_non_zero_on_fix: bool,

    /// Do not read or write the results cache.
    #[arg(long, env = "CANCELSAFE_NO_CACHE", value_parser = clap::builder::BoolishValueParser::new(), help_heading = "Cache")]
    no_cache: bool,

    /// Where results of unchanged files are kept between runs [default: .cancelsafe_cache].
    #[arg(long, value_name = "DIR", env = "CANCELSAFE_CACHE_DIR", help_heading = "Cache")]
    cache_dir: Option<PathBuf>,

    /// Print the documentation of a rule (its code or name) and exit.
    #[arg(long, value_name = "RULE", help_heading = "Rules")]
    explain: Option<String>,

    /// List the rules and exit.
    #[arg(long, help_heading = "Rules")]
    list_rules: bool,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Run the language server on stdio: diagnostics, quick fixes and fix-all in the editor
    /// (docs/editors.md). A folder named `server` is checked with `cancelsafe ./server`.
    Server,
}

const AFTER_HELP: &str = "\
Examples:
  cancelsafe src/                       show leaks and the fixes proposed for them
  cancelsafe --check src/               in CI: fail when a leak is present
  cancelsafe --check --format github .  in GitHub Actions: annotations on the pull request
  cancelsafe --diff src/ > fix.patch    a patch that `git apply` takes (same as --write)
  cancelsafe --write src/               apply the safe fixes in place
  cancelsafe -i src/                    review the fixes one at a time, apply those you accept
  cancelsafe --explain CS101            what a rule finds and how it fixes it (a name works too)
  cancelsafe --list-rules               every rule: code, name, kind of fix

Suppress a finding with `# noqa: CS101` (or `# noqa: swallowed-cancellation`) on its line (the
`except` line for handler rules), or a whole file with `# cancelsafe: noqa` on a line of its own.
Results of unchanged files are reused from .cancelsafe_cache/ (--no-cache, --cache-dir).";

pub fn main() -> ExitCode {
    let args = Args::parse();
    let color = args.color;
    match run(args) {
        Ok(code) => ExitCode::from(code),
        Err(error) => {
            if is_broken_pipe(&error) {
                return ExitCode::from(EXIT_CLEAN);
            }
            // The prefix every error has, as clap's own do.
            let palette = Palette::new(color.enabled(std::io::stderr().is_terminal()));
            eprintln!("{}: {error:#}", palette.paint(palette.error, "error"));
            ExitCode::from(EXIT_ERROR)
        }
    }
}

fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| cause.downcast_ref::<std::io::Error>().is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe))
}

fn run(args: Args) -> Result<u8> {
    if let Some(Command::Server) = args.command {
        return crate::server::run();
    }
    let mut stdout = std::io::stdout().lock();

    if args.list_rules {
        write!(stdout, "{}", present::rule_list::listing())?;
        return Ok(EXIT_CLEAN);
    }
    if let Some(code) = &args.explain {
        let Some(rule) = Rule::from_code_or_name(code) else {
            let hint = Rule::closest(code).map(|close| format!("; did you mean `{close}`?")).unwrap_or_default();
            bail!("unknown rule `{code}`{hint} (known rules: {})", Rule::known());
        };
        write!(stdout, "{}", rule.page())?;
        return Ok(EXIT_CLEAN);
    }
    let resolver = Arc::new(Resolver::new(config_source(&args), overrides(&args))?);
    let options = Options {
        mode: if args.diff {
            Mode::Diff
        } else if args.check {
            Mode::Check
        } else if args.write {
            Mode::Write
        } else {
            Mode::Preview
        },
        format: args.format,
        statistics: args.statistics,
        show_fixes: args.show_fixes,
        quiet: args.quiet,
        exit_zero: args.exit_zero,
        exit_non_zero_on_fix: args.exit_non_zero_on_fix,
        color: args.color,
    };

    if args.paths.iter().any(|p| p.as_os_str() == "-") {
        if args.paths.len() > 1 {
            bail!("\"-\" (standard input) cannot be combined with other paths");
        }
        if args.interactive {
            bail!("-i reviews files in place; standard input (\"-\") cannot be reviewed");
        }
        return run_stdin(&resolver, args.stdin_filename.as_deref(), args.force_exclude, options, &mut stdout);
    }
    if args.stdin_filename.is_some() {
        bail!("--stdin-filename names the text read from standard input: add \"-\" as the path");
    }

    // Opened first: it reads its files while the files to check are found.
    let cache = match args.no_cache || args.interactive {
        true => None,
        false => Some(Cache::new(args.cache_dir.clone().unwrap_or_else(|| PathBuf::from(cache::DEFAULT_DIR)))?),
    };
    // Settings are resolved (and a bad configuration reported) before any file is touched.
    let excluded = {
        let resolver = resolver.clone();
        Arc::new(move |path: &std::path::Path, found| resolver.excludes(path, found))
    };
    let discovered = crate::discover::python_files(&args.paths, args.force_exclude, excluded)?;
    if !options.quiet {
        for folder in &discovered.folders_without_files {
            eprintln!("warning: {}: no Python files found here (is the path right?)", crate::paths::display(folder));
        }
    }
    let jobs: Vec<(PathBuf, Arc<Settings>)> =
        discovered.files.into_iter().map(|path| resolver.for_file(&path).map(|settings| (path, settings))).collect::<Result<_>>()?;
    if args.interactive {
        return crate::review::run(&jobs, args.color);
    }
    let progress = progress_bar(jobs.len(), options.quiet);
    let reports: Vec<FileReport> = jobs
        .par_iter()
        .progress_with(progress.clone())
        .map(|(path, settings)| match &cache {
            Some(cache) => cache.process_file(path, settings, options.mode),
            None => engine::process_file(path, settings, options.mode),
        })
        .collect();
    progress.finish_and_clear();
    if let Some(Err(error)) = cache.as_ref().map(|cache| cache.save(jobs.iter().map(|(path, _)| path.as_path()))) {
        if !options.quiet {
            eprintln!("warning: the results cache was not saved ({error:#}); pass --no-cache or --cache-dir to silence this");
        }
    }
    let new_modules = needed_helper_modules(&reports, &jobs);
    present::report(&reports, &new_modules, options, &mut stdout)
}

fn config_source(args: &Args) -> ConfigSource {
    match (&args.config, args.no_config) {
        (Some(path), _) => ConfigSource::File(path.clone()),
        (None, true) => ConfigSource::Defaults,
        (None, false) => ConfigSource::Discover,
    }
}

fn overrides(args: &Args) -> Overrides {
    Overrides {
        select: args.select.clone(),
        ignore: args.ignore.clone(),
        exclude: args.exclude.clone(),
        extend_exclude: args.extend_exclude.clone(),
        target_version: args.target_version.clone(),
        cleanup_timeout: args.cleanup_timeout,
        helper_module: args.helper_module.clone(),
        unsafe_fixes: args.unsafe_fixes.then_some(true),
    }
}

/// A bar on stderr for long runs on a terminal; hidden otherwise.
fn progress_bar(files: usize, quiet: bool) -> ProgressBar {
    if quiet || files < PROGRESS_FROM_FILES || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let style = ProgressStyle::with_template("{bar:40} {pos}/{len} files {elapsed}").unwrap_or_else(|_| ProgressStyle::default_bar());
    ProgressBar::new(files as u64).with_style(style)
}

/// What standard-input mode prints on stdout: one thing, so an editor plugin can take it whole.
#[derive(Clone, Copy, PartialEq, Eq)]
enum StdinOutput {
    /// The fixed source (the input unchanged if it cannot be checked); findings go to stderr.
    Source,
    /// The findings, at the input's positions.
    Findings,
    Diff,
}

/// `cancelsafe [--stdin-filename PATH] -`: the text comes from stdin and the result goes to
/// stdout. Whatever happens, stdout is never a blanked buffer: on a syntax error (or any
/// error) the source modes print the input unchanged, the machine formats the error entry (as
/// for a file on disk) and the others nothing, with the error on stderr and exit code 2.
fn run_stdin(resolver: &Resolver, path: Option<&Path>, force_exclude: bool, options: Options, stdout: &mut impl Write) -> Result<u8> {
    let output = match options.mode {
        Mode::Diff => StdinOutput::Diff,
        Mode::Check => StdinOutput::Findings,
        Mode::Write => StdinOutput::Source,
        Mode::Preview if options.format == Format::Text => StdinOutput::Source,
        Mode::Preview => StdinOutput::Findings,
    };
    let settings = match path {
        Some(path) => resolver.for_file(path)?,
        None => resolver.for_folder(Path::new(""))?,
    };
    let mut bytes = Vec::new();
    std::io::stdin().read_to_end(&mut bytes).context("cannot read standard input")?;
    if path.is_some_and(|path| force_exclude && settings.exclusions.excludes(path, crate::settings::Found::Named)) {
        if output == StdinOutput::Source {
            stdout.write_all(&bytes)?;
        }
        return Ok(EXIT_CLEAN);
    }
    let settings = match path {
        Some(path) => settings.for_file(path),
        None => std::borrow::Cow::Borrowed(&*settings),
    };
    let (mut report, source) = engine::process_stdin(&bytes, &settings, path, options.mode);
    if let Some(path) = path {
        report.display = crate::paths::display(path);
    }
    let palette = Palette::new(false);
    let mut stderr = std::io::stderr().lock();
    let (Ok(checked), Some(source)) = (&report.outcome, source) else {
        match output {
            StdinOutput::Source => stdout.write_all(&bytes)?,
            // The machine formats carry the error as they do for a file on disk.
            StdinOutput::Findings => write!(stdout, "{}", present::failure(&report, options.format)?)?,
            StdinOutput::Diff => {}
        }
        write!(stderr, "{}", text::error_line(&report, &palette).unwrap_or_default())?;
        return Ok(EXIT_ERROR);
    };
    // Findings at the input's positions, except after --write: those left in the fixed text.
    let shown = if options.mode == Mode::Write { Mode::Write } else { Mode::Check };
    let findings = present::findings(&report, shown, options.format)?;
    match output {
        StdinOutput::Findings => write!(stdout, "{findings}")?,
        StdinOutput::Diff => write!(stdout, "{}", diff::unified(&report.display, &report.original, &checked.fixed, &checked.changes, report.has_bom, &palette))?,
        StdinOutput::Source => {
            stdout.write_all(&source.encode(&checked.fixed))?;
            write!(stderr, "{findings}")?;
        }
    }
    let failed = match output {
        StdinOutput::Findings => !checked.findings.is_empty(),
        StdinOutput::Diff => checked.fixed != report.original,
        StdinOutput::Source => !checked.remaining.is_empty(),
    };
    Ok(if failed && !options.exit_zero { EXIT_FINDINGS } else { EXIT_CLEAN })
}

/// The shared helper modules that applied CS201 fixes import from, where they do not exist
/// yet: one per configuration that names one.
fn needed_helper_modules(reports: &[FileReport], jobs: &[(PathBuf, Arc<Settings>)]) -> Vec<NewModule> {
    let mut modules: Vec<NewModule> = Vec::new();
    for (report, (_, settings)) in reports.iter().zip(jobs) {
        if !report.applied(Rule::FireAndForgetTask) {
            continue;
        }
        if let Some(new) = engine::helper_module::missing_for(settings) {
            if !modules.iter().any(|known| known.path == new.path) {
                modules.push(new);
            }
        }
    }
    modules
}
