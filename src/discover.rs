//! Finding the Python files to check: `.gitignore` honoured, virtualenvs and caches skipped,
//! explicit file arguments always taken.

use std::path::{Path, PathBuf};

use anyhow::{bail, Result};
use ignore::WalkBuilder;

/// Directory names never worth descending into.
const SKIPPED_DIRECTORIES: &[&str] =
    &[".git", ".hg", ".svn", "__pycache__", "site-packages", "node_modules", ".venv", "venv", ".tox", ".nox", ".mypy_cache", ".ruff_cache", ".pytest_cache"];

/// The files under `paths`, sorted and without duplicates.
pub fn python_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_file() {
            files.push(path.clone());
            continue;
        }
        if !path.is_dir() {
            bail!("{}: no such file or directory", path.display());
        }
        let walker = WalkBuilder::new(path)
            .hidden(false)
            .require_git(false)
            .filter_entry(|entry| {
                let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
                !(is_dir && entry.depth() > 0 && (is_skipped_name(entry.file_name()) || is_virtualenv(entry.path())))
            })
            .build();
        for entry in walker {
            let entry = entry?;
            let is_file = entry.file_type().is_some_and(|t| t.is_file());
            if is_file && entry.path().extension().is_some_and(|ext| ext == "py") {
                files.push(entry.into_path());
            }
        }
    }
    files.sort();
    files.dedup();
    Ok(files)
}

fn is_skipped_name(name: &std::ffi::OsStr) -> bool {
    name.to_str().is_some_and(|name| SKIPPED_DIRECTORIES.contains(&name))
}

/// A virtualenv under any name is recognised by its `pyvenv.cfg`.
fn is_virtualenv(path: &Path) -> bool {
    path.join("pyvenv.cfg").is_file()
}
