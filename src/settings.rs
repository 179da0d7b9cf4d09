//! One validated configuration, built from flags (and config files) before any work starts.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use globset::{Glob, GlobMatcher};
use ruff_python_ast::PythonVersion;

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
    pub unsafe_fixes: bool,
    /// Where CS201's tracking helper is imported from (`pkg.tasks`); `None`: each module gets
    /// its own copy.
    pub helper_module: Option<String>,
    pub per_file_ignores: PerFileIgnores,
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
        let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
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
            unsafe_fixes: false,
            helper_module: None,
            per_file_ignores: PerFileIgnores::default(),
        }
    }
}

impl Settings {
    pub fn enabled(&self, rule: Rule) -> bool {
        self.rules.contains(&rule)
    }

    /// The settings for one file: `per-file-ignores` applied.
    pub fn for_file(&self, path: &Path) -> Cow<'_, Settings> {
        let ignored = self.per_file_ignores.ignored(path);
        if ignored.iter().all(|rule| !self.rules.contains(rule)) {
            return Cow::Borrowed(self);
        }
        let mut settings = self.clone();
        settings.rules.retain(|rule| !ignored.contains(rule));
        Cow::Owned(settings)
    }
}

/// Resolves `--select` / `--ignore` lists of codes or prefixes (`CS1`, `CS101`, `ALL`).
pub fn select_rules(select: &[String], ignore: &[String]) -> Result<Vec<Rule>> {
    let matching = |selector: &str| -> Result<Vec<Rule>> {
        let selector = selector.trim();
        let rules: Vec<Rule> = if selector.eq_ignore_ascii_case("ALL") {
            Rule::ALL.to_vec()
        } else {
            let upper = selector.to_ascii_uppercase();
            Rule::ALL.iter().copied().filter(|rule| rule.code().starts_with(&upper)).collect()
        };
        if rules.is_empty() {
            let known: Vec<&str> = Rule::ALL.iter().map(|rule| rule.code()).collect();
            bail!("unknown rule selector `{selector}` (known rules: {}; prefixes such as CS1 and ALL also work)", known.join(", "));
        }
        Ok(rules)
    };
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

/// Parses `py38` … `py314`.
pub fn parse_target_version(text: &str) -> Result<PythonVersion> {
    let minor = text
        .strip_prefix("py3")
        .and_then(|minor| minor.parse::<u8>().ok())
        .filter(|minor| (8..=14).contains(minor));
    match minor {
        Some(minor) => Ok(PythonVersion { major: 3, minor }),
        None => bail!("invalid target version `{text}`: expected one of py38, py39, py310, py311, py312, py313, py314"),
    }
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
