//! Finding the Python files to check: `.gitignore` honoured, virtualenvs skipped, and whatever
//! the governing configuration excludes. Files named on the command line are always taken,
//! unless `--force-exclude` (for pre-commit, which names every changed file).

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use anyhow::{bail, Result};
use ignore::{WalkBuilder, WalkState};

pub use crate::settings::Found;

/// Says whether a path (file or folder) is left out.
pub type Excluded = dyn Fn(&Path, Found) -> Result<bool> + Send + Sync;

/// What discovery found: the files to check, and the named folders that hold none (most
/// often a typo in a CI path, which must not pass as "no leaks found").
#[derive(Debug, Default)]
pub struct Discovered {
    pub files: Vec<PathBuf>,
    pub folders_without_files: Vec<PathBuf>,
}

/// The files under `paths`, sorted and without duplicates. The first error of `excluded`
/// stops the search.
pub fn python_files(paths: &[PathBuf], force_exclude: bool, excluded: Arc<Excluded>) -> Result<Discovered> {
    let mut files = Vec::new();
    let first_error = Arc::new(Mutex::new(None));
    let keep = {
        let first_error = first_error.clone();
        Arc::new(move |path: &Path, found: Found| match excluded(path, found) {
            Ok(excluded) => !excluded,
            Err(error) => {
                first_error.lock().unwrap().get_or_insert(error);
                false
            }
        })
    };
    let mut folders = Vec::new();
    for path in paths {
        if path.is_file() {
            if !force_exclude || keep(path, Found::Named) {
                files.push(path.clone());
            }
            continue;
        }
        if !path.is_dir() {
            if is_symlink_loop(path) {
                bail!("{}: a symlink loop (the link leads back to itself)", path.display());
            }
            bail!("{}: no such file or directory", path.display());
        }
        if !force_exclude || keep(path, Found::Named) {
            folders.push(path);
        }
    }
    if let Some((first, rest)) = folders.split_first() {
        let mut builder = WalkBuilder::new(first);
        for folder in rest {
            builder.add(folder);
        }
        let keep = keep.clone();
        builder
            .hidden(false)
            .require_git(false)
            .filter_entry(move |entry| entry.depth() == 0 || (!is_virtualenv(entry) && keep(entry.path(), Found::Walked)));
        // In parallel (the order does not matter: the files are sorted below); the first
        // error stops the walk.
        let found = Mutex::new(Vec::new());
        builder.build_parallel().run(|| {
            Box::new(|entry| match entry {
                Ok(entry) => {
                    let is_file = entry.file_type().is_some_and(|t| t.is_file());
                    if is_file && entry.path().extension().is_some_and(|ext| ext == "py") {
                        found.lock().unwrap().push(entry.into_path());
                    }
                    WalkState::Continue
                }
                Err(error) => {
                    first_error.lock().unwrap().get_or_insert(error.into());
                    WalkState::Quit
                }
            })
        });
        files.extend(found.into_inner().unwrap());
    }
    if let Some(error) = first_error.lock().unwrap().take() {
        return Err(error);
    }
    files.sort();
    files.dedup();
    let folders_without_files = folders.iter().filter(|folder| !files.iter().any(|file| file.starts_with(folder))).map(|folder| folder.to_path_buf()).collect();
    Ok(Discovered { files, folders_without_files })
}

/// A symlink whose target cannot be reached because it leads back to itself (ELOOP).
#[cfg(unix)]
fn is_symlink_loop(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
        && std::fs::metadata(path).is_err_and(|error| error.raw_os_error() == Some(libc::ELOOP))
}

#[cfg(not(unix))]
fn is_symlink_loop(_path: &Path) -> bool {
    false
}

/// A virtualenv under any name is recognised by its `pyvenv.cfg`.
fn is_virtualenv(entry: &ignore::DirEntry) -> bool {
    entry.file_type().is_some_and(|t| t.is_dir()) && entry.path().join("pyvenv.cfg").is_file()
}
