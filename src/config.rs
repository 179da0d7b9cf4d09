//! `[tool.cancelsafe]` settings from a pyproject.toml (or a file given with `--config`).
//! Command-line flags override what the file says.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use serde::Deserialize;

/// The keys cancelsafe reads; anything else is an error naming the key.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct FileSettings {
    pub select: Option<Vec<String>>,
    pub ignore: Option<Vec<String>>,
    pub target_version: Option<String>,
    pub cleanup_timeout: Option<f64>,
    pub unsafe_fixes: Option<bool>,
    pub helper_module: Option<String>,
    /// Glob (relative to the configuration file's folder) → rule codes or prefixes.
    pub per_file_ignores: Option<std::collections::BTreeMap<String, Vec<String>>>,
}

/// A configuration found on disk: its settings and the `requires-python` next to them.
#[derive(Debug, Default)]
pub struct Config {
    pub path: Option<PathBuf>,
    pub settings: FileSettings,
    pub requires_python: Option<String>,
}

#[derive(Deserialize)]
struct Pyproject {
    project: Option<Project>,
    tool: Option<Tools>,
}

#[derive(Deserialize)]
struct Project {
    #[serde(rename = "requires-python")]
    requires_python: Option<String>,
}

#[derive(Deserialize)]
struct Tools {
    cancelsafe: Option<toml::Value>,
}

/// Reads a configuration file: a pyproject.toml (`[tool.cancelsafe]`) or a file whose top
/// level holds the same keys.
pub fn read(path: &Path) -> Result<Config> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read config file {}", path.display()))?;
    let document: toml::Value = toml::from_str(&text).with_context(|| format!("{} is not valid TOML", path.display()))?;
    let pyproject: Option<Pyproject> = document.clone().try_into().ok();
    let section = pyproject.as_ref().and_then(|p| p.tool.as_ref()).and_then(|t| t.cancelsafe.clone());
    let is_pyproject = path.file_name().is_some_and(|n| n == "pyproject.toml");
    let table = match (section, is_pyproject) {
        (Some(section), _) => section,
        (None, true) => toml::Value::Table(Default::default()),
        (None, false) => document,
    };
    let settings: FileSettings = table.try_into().map_err(|error: toml::de::Error| {
        anyhow::anyhow!(
            "{}: invalid [tool.cancelsafe] settings: {}; allowed keys: select, ignore, target-version, cleanup-timeout, unsafe-fixes, helper-module, per-file-ignores",
            path.display(),
            error.message()
        )
    })?;
    if let Some(timeout) = settings.cleanup_timeout {
        if !(timeout.is_finite() && timeout > 0.0) {
            bail!("{}: cleanup-timeout must be a positive number of seconds, not {timeout}", path.display());
        }
    }
    let requires_python = pyproject.and_then(|p| p.project).and_then(|p| p.requires_python);
    Ok(Config { path: Some(path.to_path_buf()), settings, requires_python })
}

/// The nearest pyproject.toml at or above `start` that has a `[tool.cancelsafe]` section or a
/// `requires-python`.
pub fn discover(start: &Path) -> Result<Config> {
    for directory in start.ancestors() {
        let candidate = directory.join("pyproject.toml");
        if candidate.is_file() {
            let config = read(&candidate)?;
            let text = std::fs::read_to_string(&candidate).unwrap_or_default();
            if text.contains("[tool.cancelsafe]") || config.requires_python.is_some() {
                return Ok(config);
            }
        }
    }
    Ok(Config::default())
}
