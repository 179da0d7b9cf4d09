//! How paths are shown to the user. A leaf: configuration errors, the engine's reports, the
//! outputs and the front ends all name files the same way.

use std::path::{Path, PathBuf};

/// Paths are shown relative to the working directory, so diffs apply with `git apply`.
pub fn display(path: &Path) -> String {
    // The working directory is asked for only when it is needed: this runs for every file.
    let relative: PathBuf = match path.is_absolute().then(std::env::current_dir) {
        Some(Ok(cwd)) => path.strip_prefix(&cwd).map(Path::to_path_buf).unwrap_or_else(|_| path.to_path_buf()),
        _ => path.to_path_buf(),
    };
    let text = relative.to_string_lossy().replace('\\', "/");
    text.strip_prefix("./").map(str::to_string).unwrap_or(text)
}
