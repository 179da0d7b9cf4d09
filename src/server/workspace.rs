//! Which settings apply to a document: the editor's own (`initializationOptions`, then
//! `workspace/configuration`) laid over `[tool.cancelsafe]` from the nearest pyproject.toml
//! above the file, exactly as the command line's flags are, through one
//! [`Resolver`] per workspace folder.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Result;
use serde_json::Value;

use crate::settings::{ConfigSource, Overrides, Resolver, Settings};

/// The settings an editor may give: `select`, `ignore`, `unsafe-fixes`, and where diagnostics
/// link the rule pages (`rulePagesUrl`; the global value counts, not a folder's). Keys may be
/// spelled `unsafe-fixes`, `unsafeFixes` or `unsafe_fixes`, and the object may sit under
/// `cancelsafe`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EditorSettings {
    pub select: Option<Vec<String>>,
    pub ignore: Option<Vec<String>>,
    pub unsafe_fixes: Option<bool>,
    pub rule_pages_url: Option<String>,
}

impl EditorSettings {
    /// Reads the settings from a JSON value; anything else in it is left alone.
    pub fn from_json(value: &Value) -> EditorSettings {
        let value = value.get("cancelsafe").unwrap_or(value);
        let field = |names: &[&str]| names.iter().find_map(|name| value.get(*name));
        let codes = |value: &Value| match value {
            Value::String(text) => Some(text.split(',').map(str::trim).filter(|code| !code.is_empty()).map(String::from).collect()),
            Value::Array(items) => Some(items.iter().filter_map(Value::as_str).map(String::from).collect()),
            _ => None,
        };
        EditorSettings {
            select: field(&["select"]).and_then(codes),
            ignore: field(&["ignore"]).and_then(codes),
            unsafe_fixes: field(&["unsafe-fixes", "unsafeFixes", "unsafe_fixes"]).and_then(Value::as_bool),
            rule_pages_url: field(&["rulePagesUrl", "rule-pages-url", "rule_pages_url"]).and_then(Value::as_str).map(String::from),
        }
    }

    /// `other`'s values where it has them, else these.
    pub fn under(&self, other: &EditorSettings) -> EditorSettings {
        EditorSettings {
            select: other.select.clone().or_else(|| self.select.clone()),
            ignore: other.ignore.clone().or_else(|| self.ignore.clone()),
            unsafe_fixes: other.unsafe_fixes.or(self.unsafe_fixes),
            rule_pages_url: other.rule_pages_url.clone().or_else(|| self.rule_pages_url.clone()),
        }
    }

    fn overrides(&self) -> Overrides {
        Overrides {
            select: self.select.clone().unwrap_or_default(),
            ignore: self.ignore.clone().unwrap_or_default(),
            unsafe_fixes: self.unsafe_fixes,
            ..Overrides::default()
        }
    }
}

/// A workspace folder (or the server's working folder) and the resolver for files in it.
struct Folder {
    path: PathBuf,
    resolver: Result<Resolver, String>,
}

/// The resolvers of the workspace, rebuilt whenever settings or configuration files change.
pub struct Workspace {
    folders: Vec<Folder>,
    fallback: Folder,
}

impl Workspace {
    /// `folders` with the editor settings of each (`None`: the global ones).
    pub fn new(folders: &[(PathBuf, EditorSettings)], global: &EditorSettings, cwd: &Path) -> Workspace {
        let folder = |path: &Path, settings: &EditorSettings| Folder {
            path: path.to_path_buf(),
            resolver: Resolver::in_folder(ConfigSource::Discover, settings.overrides(), path.to_path_buf())
                .map_err(|error| format!("cancelsafe: invalid editor settings: {error:#}")),
        };
        Workspace {
            folders: folders.iter().map(|(path, settings)| folder(path, settings)).collect(),
            fallback: folder(cwd, global),
        }
    }

    /// The settings for the file at `path` (per-file-ignores applied), or `None` when the
    /// configuration excludes it; an error names the bad setting or configuration file.
    pub fn settings_for(&self, path: Option<&Path>) -> Result<Option<Arc<Settings>>, String> {
        let folder = path
            .and_then(|path| self.folders.iter().filter(|folder| path.starts_with(&folder.path)).max_by_key(|folder| folder.path.as_os_str().len()))
            .unwrap_or(&self.fallback);
        let resolver = folder.resolver.as_ref().map_err(Clone::clone)?;
        let Some(path) = path else {
            return resolver.for_folder(&folder.path).map(Some).map_err(|error| format!("{error:#}"));
        };
        let settings = resolver.for_file(path).map_err(|error| format!("{error:#}"))?;
        if settings.exclusions.excludes(path, crate::settings::Found::Named) {
            return Ok(None);
        }
        Ok(Some(match settings.for_file(path) {
            std::borrow::Cow::Borrowed(_) => settings,
            std::borrow::Cow::Owned(owned) => Arc::new(owned),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_the_spellings_editors_use() {
        let expected = EditorSettings { select: Some(vec!["CS1".into(), "CS201".into()]), ignore: Some(vec!["CS104".into()]), unsafe_fixes: Some(true), rule_pages_url: None };
        assert_eq!(EditorSettings::from_json(&json!({"select": ["CS1", "CS201"], "ignore": "CS104", "unsafe-fixes": true})), expected);
        assert_eq!(EditorSettings::from_json(&json!({"cancelsafe": {"select": "CS1, CS201", "ignore": ["CS104"], "unsafeFixes": true}})), expected);
        assert_eq!(EditorSettings::from_json(&json!(null)), EditorSettings::default());
        let global = EditorSettings { unsafe_fixes: Some(true), ..EditorSettings::default() };
        let folder = EditorSettings { unsafe_fixes: Some(false), select: Some(vec!["CS2".into()]), ..EditorSettings::default() };
        assert_eq!(global.under(&folder), folder);
    }
}
