//! Configuration files: `[tool.cancelsafe]` in the nearest pyproject.toml above each file (as
//! ruff finds its own), or one file given with `--config`. Reading a file only checks its
//! shape; [`crate::settings`] turns it, with the command-line overrides, into settings.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::Deserialize;

/// The keys cancelsafe reads; anything else is an error naming the key.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct FileSettings {
    pub select: Option<Vec<String>>,
    pub ignore: Option<Vec<String>>,
    /// Glob (relative to the configuration file's folder) → rule codes or prefixes.
    pub per_file_ignores: Option<std::collections::BTreeMap<String, Vec<String>>>,
    /// Replaces the default exclusions.
    pub exclude: Option<Vec<String>>,
    /// Added to the exclusions.
    pub extend_exclude: Option<Vec<String>>,
    pub target_version: Option<String>,
    pub cleanup_timeout: Option<f64>,
    /// The bound of whole-service shutdowns (`runner.cleanup()`, `stop()`) in CS301's fix.
    pub shutdown_timeout: Option<f64>,
    /// Call pattern (`runner.cleanup`, `flush`) → the bound CS301's fix gives it.
    pub cleanup_timeouts: Option<std::collections::BTreeMap<String, f64>>,
    pub helper_module: Option<String>,
    pub unsafe_fixes: Option<bool>,
}

/// A configuration read from disk.
#[derive(Debug, Default)]
pub struct Config {
    /// The file it came from; `None` for the built-in defaults.
    pub path: Option<PathBuf>,
    pub settings: FileSettings,
    /// `[project] requires-python` of the same pyproject.toml, or of a nearer one.
    pub requires_python: Option<String>,
}

impl Config {
    /// The folder its relative paths (globs, the helper module) are resolved against.
    pub fn folder(&self) -> Option<&Path> {
        self.path.as_deref().and_then(Path::parent).filter(|folder| !folder.as_os_str().is_empty())
    }

    /// `path: [tool.cancelsafe] key` — where a bad value came from.
    pub fn origin(&self, key: &str) -> String {
        match &self.path {
            Some(path) => format!("{}: [tool.cancelsafe] {key}", crate::paths::display(path)),
            None => key.to_string(),
        }
    }
}

/// What a pyproject.toml says that matters here.
struct Pyproject {
    document: toml::Table,
    section: Option<toml::Value>,
    requires_python: Option<String>,
}

fn read_pyproject(path: &Path) -> Result<Pyproject> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read config file {}", path.display()))?;
    let document: toml::Table = toml::from_str(&text).with_context(|| format!("{} is not valid TOML", crate::paths::display(path)))?;
    warn_about_near_misses(path, &document);
    let section = document.get("tool").and_then(|tool| tool.get("cancelsafe")).cloned();
    let requires_python = document
        .get("project")
        .and_then(|project| project.get("requires-python"))
        .and_then(toml::Value::as_str)
        .map(str::to_string);
    Ok(Pyproject { document, section, requires_python })
}

/// Reads a file given with `--config`: a pyproject.toml (`[tool.cancelsafe]`) or a TOML file
/// whose top level holds the same keys.
pub fn read(path: &Path) -> Result<Config> {
    let pyproject = read_pyproject(path)?;
    let is_pyproject = path.file_name().is_some_and(|name| name == "pyproject.toml");
    let table = match pyproject.section {
        Some(section) => section,
        None if is_pyproject => toml::Value::Table(Default::default()),
        None => toml::Value::Table(pyproject.document),
    };
    Ok(Config { path: Some(path.to_path_buf()), settings: settings_of(path, table)?, requires_python: pyproject.requires_python })
}

/// The configuration that governs files in `directory`: the nearest pyproject.toml at or above
/// it with a `[tool.cancelsafe]` section. `requires-python` comes from the nearest
/// pyproject.toml that states it, up to that file.
pub fn discover(directory: &Path) -> Result<Config> {
    let mut requires_python = None;
    for folder in directory.ancestors() {
        let candidate = folder.join("pyproject.toml");
        if !candidate.is_file() {
            continue;
        }
        let pyproject = read_pyproject(&candidate)?;
        requires_python = requires_python.or(pyproject.requires_python);
        if let Some(section) = pyproject.section {
            return Ok(Config { settings: settings_of(&candidate, section)?, path: Some(candidate), requires_python });
        }
    }
    Ok(Config { requires_python, ..Config::default() })
}

fn settings_of(path: &Path, table: toml::Value) -> Result<FileSettings> {
    // serde_path_to_error names the key a bad value sits under; serde itself lists the
    // allowed keys for an unknown one, and the closest of them is suggested.
    serde_path_to_error::deserialize(table).map_err(|error| {
        let key = error.path().to_string();
        let place = if key == "." { String::new() } else { format!(" {key}") };
        let message = error.inner().message();
        anyhow::anyhow!("{}: [tool.cancelsafe]{place}: {message}{}", crate::paths::display(path), suggestion(message))
    })
}

/// `; did you mean `cleanup-timeout`?` for serde's "unknown field `cleanup_timeout`, expected
/// one of `select`, …", when one of the expected keys is close.
fn suggestion(message: &str) -> String {
    let Some(rest) = message.strip_prefix("unknown field `") else { return String::new() };
    let Some((unknown, expected)) = rest.split_once('`') else { return String::new() };
    let keys = expected.split('`').skip(1).step_by(2);
    closest(unknown, keys).map(|key| format!("; did you mean `{key}`?")).unwrap_or_default()
}

/// A table that looks meant for cancelsafe but is not `[tool.cancelsafe]` (`[tool.cancel-safe]`)
/// is ignored like any other tool's: say so, or the settings in it silently do nothing.
fn warn_about_near_misses(path: &Path, document: &toml::Table) {
    let Some(tools) = document.get("tool").and_then(toml::Value::as_table) else { return };
    for name in tools.keys().filter(|name| *name != "cancelsafe") {
        let squashed: String = name.chars().filter(char::is_ascii_alphanumeric).collect::<String>().to_ascii_lowercase();
        if squashed == "cancelsafe" || strsim::damerau_levenshtein(&squashed, "cancelsafe") <= 2 {
            eprintln!("warning: {}: [tool.{name}] is not read by cancelsafe; did you mean [tool.cancelsafe]?", crate::paths::display(path));
        }
    }
}

/// The candidate closest to `text`, if it is close enough to be what was meant (as clap
/// suggests flags).
pub fn closest<'a>(text: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let text = text.to_ascii_lowercase();
    candidates
        .into_iter()
        .map(|candidate| (strsim::jaro_winkler(&text, &candidate.to_ascii_lowercase()), candidate))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, candidate)| candidate)
}
