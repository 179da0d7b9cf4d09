//! One validated configuration per file: the command-line overrides laid over the
//! `[tool.cancelsafe]` that governs the file's folder, built before any work starts.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use anyhow::{bail, Context, Result};
use globset::{Glob, GlobMatcher, GlobSet, GlobSetBuilder};
use ruff_python_ast::PythonVersion;

use crate::config::{self, Config};
use crate::rules::Rule;

/// What the run does with the fixes it finds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Print findings and the diff of proposed fixes; write nothing.
    Preview,
    /// Print only the unified diff.
    Diff,
    /// Print findings only.
    Check,
    /// Apply fixes in place.
    Write,
}

/// Everything a file's check needs; shared read-only by all workers.
#[derive(Clone, Debug)]
pub struct Settings {
    pub rules: Vec<Rule>,
    pub target_version: PythonVersion,
    pub cleanup_timeout: f64,
    /// The bound of whole-service shutdowns in CS301's fix.
    pub shutdown_timeout: f64,
    /// Per call pattern, the bound CS301's fix gives it: (the pattern's dotted parts, seconds).
    pub cleanup_timeouts: Vec<(Vec<String>, f64)>,
    pub unsafe_fixes: bool,
    /// Where CS201's tracking helper is imported from (`pkg.tasks`); `None`: each module gets
    /// its own copy.
    pub helper_module: Option<String>,
    pub per_file_ignores: PerFileIgnores,
    pub exclusions: Exclusions,
    /// The configuration file's folder (else the working directory): globs and the helper
    /// module are relative to it.
    pub root: PathBuf,
    /// The file is test code by its path ([`crate::paths::is_test_path`]); set by
    /// [`Settings::for_file`]. Tests swallow and raise cancellation on purpose, so no fix there
    /// is safe.
    pub test_code: bool,
}

/// Directory and file names skipped unless `exclude` replaces this list (ruff's defaults).
pub const DEFAULT_EXCLUDE: &[&str] = &[
    ".bzr", ".direnv", ".eggs", ".git", ".git-rewrite", ".hg", ".ipynb_checkpoints", ".mypy_cache", ".nox", ".pants.d",
    ".pyenv", ".pytest_cache", ".pytype", ".ruff_cache", ".cancelsafe_cache", ".svn", ".tox", ".venv", ".vscode", "__pycache__",
    "__pypackages__", "_build", "buck-out", "build", "dist", "node_modules", "site-packages", "venv",
];

/// The settings given on the command line; each one overrides the configuration file's.
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    pub select: Vec<String>,
    /// Added to the file's `ignore`.
    pub ignore: Vec<String>,
    pub exclude: Option<Vec<String>>,
    /// Added to the file's `extend-exclude`.
    pub extend_exclude: Vec<String>,
    pub target_version: Option<String>,
    pub cleanup_timeout: Option<f64>,
    pub helper_module: Option<String>,
    /// `--unsafe-fixes` (or an editor's setting) decides; `None` leaves the file's choice.
    pub unsafe_fixes: Option<bool>,
}

/// Where configuration comes from.
#[derive(Clone, Debug)]
pub enum ConfigSource {
    /// The nearest pyproject.toml with `[tool.cancelsafe]` above each file.
    Discover,
    /// One file for every path (`--config`).
    File(PathBuf),
    /// Built-in defaults only (`--no-config`).
    Defaults,
}

impl Settings {
    /// Lays `overrides` over `config`. A bad value is an error that says where it came from
    /// (`pyproject.toml: [tool.cancelsafe] key` or `--flag`) and what is allowed.
    pub fn resolve(config: &Config, overrides: &Overrides, cwd: &Path) -> Result<Settings> {
        let file = &config.settings;
        let root = normalize(&cwd.join(config.folder().unwrap_or(Path::new(""))));
        let origin = |key: &str, from_flag: bool| if from_flag { format!("--{key}") } else { config.origin(key) };

        let select = if overrides.select.is_empty() { file.select.clone().unwrap_or_default() } else { overrides.select.clone() };
        let file_ignore = file.ignore.clone().unwrap_or_default();
        select_rules(&select, &[]).with_context(|| origin("select", !overrides.select.is_empty()))?;
        select_rules(&[], &file_ignore).with_context(|| origin("ignore", false))?;
        select_rules(&[], &overrides.ignore).with_context(|| origin("ignore", true))?;
        let ignore: Vec<String> = file_ignore.into_iter().chain(overrides.ignore.iter().cloned()).collect();
        let rules = select_rules(&select, &ignore)?;

        let target_version = layered(&overrides.target_version, &file.target_version, "target-version", config, |text| parse_target_version(&text))?
            .or_else(|| config.requires_python.as_deref().and_then(|spec| target_or_warning(spec, config)))
            .unwrap_or(PythonVersion::PY311);
        let cleanup_timeout = layered(&overrides.cleanup_timeout, &file.cleanup_timeout, "cleanup-timeout", config, check_timeout)?.unwrap_or(5.0);
        let shutdown_timeout = match file.shutdown_timeout {
            Some(seconds) => check_timeout(seconds).with_context(|| origin("shutdown-timeout", false))?,
            None => DEFAULT_SHUTDOWN_TIMEOUT.max(cleanup_timeout),
        };
        let mut cleanup_timeouts = Vec::new();
        for (pattern, seconds) in file.cleanup_timeouts.iter().flatten() {
            let key = format!("cleanup-timeouts.\"{pattern}\"");
            let seconds = check_timeout(*seconds).with_context(|| origin(&key, false))?;
            cleanup_timeouts.push((parse_call_pattern(pattern).with_context(|| origin(&key, false))?, seconds));
        }
        let helper_module = layered(&overrides.helper_module, &file.helper_module, "helper-module", config, |name| parse_helper_module(&name))?;
        let per_file_ignores = match &file.per_file_ignores {
            Some(patterns) => PerFileIgnores::new(&root, patterns).with_context(|| origin("per-file-ignores", false))?,
            None => PerFileIgnores::default(),
        };
        let default_exclude: Vec<String> = DEFAULT_EXCLUDE.iter().map(|name| name.to_string()).collect();
        let exclusions = Exclusions::new(
            &root,
            &[
                match (&overrides.exclude, &file.exclude) {
                    (Some(patterns), _) => (patterns, origin("exclude", true)),
                    (None, Some(patterns)) => (patterns, origin("exclude", false)),
                    (None, None) => (&default_exclude, String::new()),
                },
                (file.extend_exclude.as_ref().unwrap_or(&Vec::new()), origin("extend-exclude", false)),
                (&overrides.extend_exclude, origin("extend-exclude", true)),
            ],
        )?;
        Ok(Settings {
            rules,
            target_version,
            cleanup_timeout,
            shutdown_timeout,
            cleanup_timeouts,
            unsafe_fixes: overrides.unsafe_fixes.or(file.unsafe_fixes).unwrap_or(false),
            helper_module,
            per_file_ignores,
            exclusions,
            root,
            test_code: false,
        })
    }

    /// What a file's findings depend on besides its text, as text: the results cache reuses
    /// findings only under the same fingerprint. Call it on [`Settings::for_file`]'s result.
    pub fn fingerprint(&self) -> String {
        // Every field is named, so a new setting has to be added here or ruled out.
        let Settings {
            rules,
            target_version,
            cleanup_timeout,
            shutdown_timeout,
            cleanup_timeouts,
            helper_module,
            // Set by `for_file` from the file's path: no fix is safe in test code.
            test_code,
            // Which fixes apply, not what is found or how it is fixed.
            unsafe_fixes: _,
            // Already applied to `rules` by `for_file`.
            per_file_ignores: _,
            // Which files are found, and where the helper module goes: not a file's findings.
            exclusions: _,
            root: _,
        } = self;
        let codes: Vec<&str> = rules.iter().map(|rule| rule.code()).collect();
        format!(
            "rules={} target={target_version} cleanup-timeout={cleanup_timeout:?} shutdown-timeout={shutdown_timeout:?} \
             cleanup-timeouts={cleanup_timeouts:?} helper-module={helper_module:?} test-code={test_code}",
            codes.join(",")
        )
    }

    pub fn enabled(&self, rule: Rule) -> bool {
        self.rules.contains(&rule)
    }

    /// The settings for one file: `per-file-ignores` applied, and whether it is test code.
    pub fn for_file(&self, path: &Path) -> Cow<'_, Settings> {
        let ignored = self.per_file_ignores.ignored(path);
        let absolute = normalize(path);
        let relative = absolute.strip_prefix(&self.root).unwrap_or(&absolute);
        let root_name = self.root.file_name().and_then(|name| name.to_str());
        let test_code = crate::paths::is_test_path(relative, root_name);
        if ignored.iter().all(|rule| !self.rules.contains(rule)) && test_code == self.test_code {
            return Cow::Borrowed(self);
        }
        let mut settings = self.clone();
        settings.rules.retain(|rule| !ignored.contains(rule));
        settings.test_code = test_code;
        Cow::Owned(settings)
    }
}

/// The flag's value, else the file's, parsed; a bad one is an error that says which it was.
fn layered<T: Clone, U>(flag: &Option<T>, file: &Option<T>, key: &str, config: &Config, parse: impl Fn(T) -> Result<U>) -> Result<Option<U>> {
    match (flag, file) {
        (Some(value), _) => parse(value.clone()).with_context(|| format!("--{key}")).map(Some),
        (None, Some(value)) => parse(value.clone()).with_context(|| config.origin(key)).map(Some),
        (None, None) => Ok(None),
    }
}

/// The default bound of a whole-service shutdown in CS301's fix: aiohttp's own
/// `shutdown_timeout`.
pub const DEFAULT_SHUTDOWN_TIMEOUT: f64 = 60.0;

/// `runner.cleanup` → `["runner", "cleanup"]`: dotted identifiers.
fn parse_call_pattern(pattern: &str) -> Result<Vec<String>> {
    let parts: Vec<String> = pattern.split('.').map(|part| part.trim_start_matches('_').to_string()).collect();
    if parts.iter().all(|part| !part.is_empty() && part.chars().all(|c| c.is_alphanumeric() || c == '_')) {
        Ok(parts)
    } else {
        bail!("a call pattern is a method or function name, optionally after its receiver (`flush`, `runner.cleanup`), not `{pattern}`")
    }
}

fn check_timeout(seconds: f64) -> Result<f64> {
    if seconds.is_finite() && seconds > 0.0 {
        Ok(seconds)
    } else {
        bail!("must be a positive number of seconds, not {seconds}")
    }
}

/// Finds the settings of each folder once: folders that share a configuration share one
/// [`Settings`].
pub struct Resolver {
    overrides: Overrides,
    cwd: PathBuf,
    /// The one configuration of `--config` or `--no-config`, read once.
    fixed: Option<Arc<Settings>>,
    by_folder: Mutex<HashMap<PathBuf, Arc<Settings>>>,
    by_config: Mutex<HashMap<(Option<PathBuf>, Option<String>), Arc<Settings>>>,
}

impl Resolver {
    pub fn new(source: ConfigSource, overrides: Overrides) -> Result<Resolver> {
        let cwd = std::env::current_dir().context("cannot read the working directory")?;
        Resolver::in_folder(source, overrides, cwd)
    }

    /// A resolver for which relative paths, and the root of a folder without configuration,
    /// are `cwd` (the language server uses each workspace folder).
    pub fn in_folder(source: ConfigSource, overrides: Overrides, cwd: PathBuf) -> Result<Resolver> {
        let fixed = match source {
            ConfigSource::Discover => None,
            ConfigSource::File(path) => Some(config::read(&path)?),
            ConfigSource::Defaults => Some(Config::default()),
        };
        let fixed = fixed.map(|config| Settings::resolve(&config, &overrides, &cwd).map(Arc::new)).transpose()?;
        Ok(Resolver { overrides, cwd, fixed, by_folder: Mutex::default(), by_config: Mutex::default() })
    }

    /// The settings of files in `folder`.
    pub fn for_folder(&self, folder: &Path) -> Result<Arc<Settings>> {
        if let Some(settings) = &self.fixed {
            return Ok(settings.clone());
        }
        let folder = normalize(&self.cwd.join(folder));
        if let Some(settings) = self.by_folder.lock().unwrap().get(&folder) {
            return Ok(settings.clone());
        }
        let settings = match folder.parent() {
            // A folder without a pyproject.toml has its parent's settings, so each pyproject.toml
            // is read once per run rather than once per folder below it.
            Some(parent) if !folder.join("pyproject.toml").is_file() => self.for_folder(parent)?,
            _ => {
                let config = config::discover(&folder)?;
                let key = (config.path.clone(), config.requires_python.clone());
                let existing = self.by_config.lock().unwrap().get(&key).cloned();
                match existing {
                    Some(settings) => settings,
                    None => {
                        let settings = Arc::new(Settings::resolve(&config, &self.overrides, &self.cwd)?);
                        self.by_config.lock().unwrap().insert(key, settings.clone());
                        settings
                    }
                }
            }
        };
        self.by_folder.lock().unwrap().insert(folder, settings.clone());
        Ok(settings)
    }

    /// The settings of `file`.
    pub fn for_file(&self, file: &Path) -> Result<Arc<Settings>> {
        self.for_folder(file.parent().unwrap_or(Path::new("")))
    }

    /// Whether the configuration that governs `path` excludes it (discovery asks this of every
    /// file and folder it meets).
    pub fn excludes(&self, path: &Path, found: Found) -> Result<bool> {
        // Made absolute here, where the working directory is known, rather than asked of the
        // system for every path.
        Ok(self.for_file(path)?.exclusions.excludes(&self.cwd.join(path), found))
    }
}

/// The absolute form of `path` with `.` and `..` resolved by name (not through symlinks), so
/// that folders compare and walk up as the user wrote them.
pub fn normalize(path: &Path) -> PathBuf {
    use std::path::Component;
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut out = PathBuf::new();
    for component in absolute.components() {
        match component {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// Paths left out of discovery (`exclude`, `extend-exclude`): a glob matches the path relative
/// to the project root, or the file or folder name alone.
#[derive(Clone, Debug, Default)]
pub struct Exclusions {
    root: PathBuf,
    globs: GlobSet,
}

impl Exclusions {
    /// Globs from several lists, each with where it came from for the error message.
    fn new(root: &Path, lists: &[(&Vec<String>, String)]) -> Result<Exclusions> {
        let mut builder = GlobSetBuilder::new();
        for (patterns, origin) in lists {
            for pattern in patterns.iter() {
                let glob = Glob::new(pattern.trim_end_matches('/')).with_context(|| format!("{origin}: invalid glob `{pattern}`"))?;
                builder.add(glob);
            }
        }
        Ok(Exclusions { root: root.to_path_buf(), globs: builder.build()? })
    }

    /// Whether `path` is excluded: the path itself, or with `Found::Named` also a folder above
    /// it inside the project (a file named on the command line with `--force-exclude` may sit
    /// in an excluded folder; the walk checked the folders above what it finds already).
    pub fn excludes(&self, path: &Path, found: Found) -> bool {
        if self.globs.is_empty() {
            return false;
        }
        let matches = |part: &Path| self.globs.is_match(part) || part.file_name().is_some_and(|name| self.globs.is_match(name));
        let absolute = normalize(path);
        match (absolute.strip_prefix(&self.root), found) {
            (Ok(relative), Found::Named) => relative.ancestors().filter(|part| !part.as_os_str().is_empty()).any(matches),
            (Ok(relative), Found::Walked) => matches(relative),
            // Outside the project only the path itself is matched, never the folders above it.
            (Err(_), _) => matches(&absolute),
        }
    }
}

/// How discovery came to a path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Found {
    /// Named on the command line.
    Named,
    /// Met while walking a folder.
    Walked,
}

/// Rules switched off for some files (`per-file-ignores`), matched on the path relative to the
/// project root or on the file name.
#[derive(Clone, Debug, Default)]
pub struct PerFileIgnores {
    root: PathBuf,
    entries: Vec<(GlobMatcher, Vec<Rule>)>,
}

impl PerFileIgnores {
    pub fn new(root: &Path, patterns: &BTreeMap<String, Vec<String>>) -> Result<Self> {
        let mut entries = Vec::new();
        for (pattern, codes) in patterns {
            let glob = Glob::new(pattern).with_context(|| format!("per-file-ignores: invalid glob `{pattern}`"))?;
            let rules = select_rules(codes, &[]).with_context(|| format!("per-file-ignores: `{pattern}`"))?;
            entries.push((glob.compile_matcher(), rules));
        }
        Ok(PerFileIgnores { root: root.to_path_buf(), entries })
    }

    /// The rules ignored for `path`.
    pub fn ignored(&self, path: &Path) -> Vec<Rule> {
        if self.entries.is_empty() {
            return Vec::new();
        }
        let absolute = normalize(path);
        let relative = absolute.strip_prefix(&self.root).unwrap_or(&absolute);
        let name = path.file_name().map(Path::new);
        self.entries
            .iter()
            .filter(|(glob, _)| glob.is_match(relative) || name.is_some_and(|name| glob.is_match(name)))
            .flat_map(|(_, rules)| rules.iter().copied())
            .collect()
    }
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            rules: Rule::ALL.to_vec(),
            target_version: PythonVersion::PY311,
            cleanup_timeout: 5.0,
            shutdown_timeout: DEFAULT_SHUTDOWN_TIMEOUT,
            cleanup_timeouts: Vec::new(),
            unsafe_fixes: false,
            helper_module: None,
            per_file_ignores: PerFileIgnores::default(),
            exclusions: Exclusions::default(),
            root: PathBuf::new(),
            test_code: false,
        }
    }
}

/// Resolves `--select` / `--ignore` lists of codes, names or prefixes (`CS1`, `CS101`,
/// `swallowed-cancellation`, `ALL`).
pub fn select_rules(select: &[String], ignore: &[String]) -> Result<Vec<Rule>> {
    let matching = |selector: &str| -> Result<Vec<Rule>> {
        let selector = selector.trim();
        let rules: Vec<Rule> = if selector.eq_ignore_ascii_case("ALL") {
            Rule::ALL.to_vec()
        } else if let Some(rule) = Rule::from_code_or_name(selector) {
            vec![rule]
        } else {
            let upper = selector.to_ascii_uppercase();
            Rule::ALL.iter().copied().filter(|rule| rule.code().starts_with(&upper)).collect()
        };
        if rules.is_empty() {
            let hint = Rule::closest(selector).map(|close| format!("; did you mean `{close}`?")).unwrap_or_default();
            bail!("unknown rule selector `{selector}`{hint} (known rules: {}; prefixes such as CS1 and ALL also work)", Rule::known());
        }
        Ok(rules)
    };
    // An empty item (a trailing comma) is skipped; as a prefix it would match every rule.
    let select: Vec<&String> = select.iter().filter(|selector| !selector.trim().is_empty()).collect();
    let ignore: Vec<&String> = ignore.iter().filter(|selector| !selector.trim().is_empty()).collect();
    let mut rules = Vec::new();
    if select.is_empty() {
        rules.extend_from_slice(Rule::ALL);
    }
    for selector in select {
        rules.extend(matching(selector)?);
    }
    for selector in ignore {
        let ignored = matching(selector)?;
        rules.retain(|rule| !ignored.contains(rule));
    }
    rules.sort();
    rules.dedup();
    Ok(rules)
}

/// Checks a dotted module name such as `pkg.tasks`.
pub fn parse_helper_module(text: &str) -> Result<String> {
    let valid_part = |part: &str| {
        let mut chars = part.chars();
        let identifier = chars.next().is_some_and(|c| c == '_' || c.is_alphabetic()) && chars.all(|c| c == '_' || c.is_alphanumeric());
        identifier && !ruff_python_stdlib::keyword::is_keyword(part)
    };
    if text.split('.').all(valid_part) {
        Ok(text.to_string())
    } else {
        bail!("invalid helper module `{text}`: expected a dotted Python module name such as `myapp.tasks`")
    }
}

/// Parses `py38` … `py314`, or the same versions written `3.8` … `3.14`.
pub fn parse_target_version(text: &str) -> Result<PythonVersion> {
    let trimmed = text.trim();
    let minor = trimmed
        .strip_prefix("py3")
        .or_else(|| trimmed.strip_prefix("3."))
        .filter(|minor| !minor.starts_with('+'))
        .and_then(|minor| minor.parse::<u8>().ok())
        .filter(|minor| (8..=14).contains(minor));
    match minor {
        Some(minor) => Ok(PythonVersion { major: 3, minor }),
        None => bail!("invalid target version `{text}`: expected one of py38, py39, py310, py311, py312, py313, py314 (or 3.8 … 3.14)"),
    }
}

/// The target a `requires-python` specifier gives; one it cannot read is said on standard
/// error (once per configuration: settings are resolved once for each), since py311 is then
/// assumed and older targets' fixes would be misjudged.
fn target_or_warning(spec: &str, config: &Config) -> Option<PythonVersion> {
    let target = target_from_requires_python(spec);
    if target.is_none() {
        let place = config.path.as_deref().map_or_else(|| "pyproject.toml".to_string(), crate::paths::display);
        eprintln!("warning: {place}: requires-python `{spec}` gives no lowest Python 3 version; assuming py311 (set target-version in [tool.cancelsafe] to choose)");
    }
    target
}

/// Reads the lowest version allowed by a `requires-python` specifier such as `>=3.9,<4`.
pub fn target_from_requires_python(spec: &str) -> Option<PythonVersion> {
    spec.split(',')
        .map(str::trim)
        .filter_map(|clause| {
            let version = clause
                .strip_prefix(">=")
                .or_else(|| clause.strip_prefix("~="))
                .or_else(|| clause.strip_prefix("=="))?;
            let mut parts = version.trim().split('.');
            let major: u8 = parts.next()?.trim().parse().ok()?;
            let minor: u8 = parts.next()?.trim().trim_end_matches('*').parse().ok()?;
            (major == 3).then_some(PythonVersion { major, minor: minor.clamp(8, 14) })
        })
        .min()
}
