//! How paths are shown to the user, and what a path says about its file. A leaf:
//! configuration errors, the engine's reports, the outputs and the front ends all name files
//! the same way.

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

/// Test code by its path, as pytest and unittest find it: a file under a `tests/` or `test/`
/// folder, or named `test_*.py`, `*_test.py` or `conftest.py`. `path` is relative to the
/// project's root; `root_name` is the root folder's own name (a run from inside `tests/`).
pub fn is_test_path(path: &Path, root_name: Option<&str>) -> bool {
    let is_test_folder = |name: &str| matches!(name, "tests" | "test");
    let folders = path.parent().into_iter().flat_map(Path::components).filter_map(|c| c.as_os_str().to_str());
    let file = path.file_name().and_then(|name| name.to_str()).unwrap_or_default();
    let stem = file.strip_suffix(".py").or_else(|| file.strip_suffix(".pyi")).unwrap_or(file);
    root_name.is_some_and(is_test_folder)
        || folders.into_iter().any(is_test_folder)
        || stem.starts_with("test_")
        || stem.ends_with("_test")
        || stem == "conftest"
}
