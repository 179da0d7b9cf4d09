//! The build's identity for the results cache (`src/engine/cache.rs`): a hash of everything the
//! binary is built from, so results cached by one build are never reused by another, even one
//! with the same version number.

use std::hash::{DefaultHasher, Hasher};
use std::path::{Path, PathBuf};

const INPUTS: &[&str] = &["Cargo.toml", "Cargo.lock", "build.rs", "src", "transforms"];

fn main() {
    let mut files = Vec::new();
    for input in INPUTS {
        println!("cargo:rerun-if-changed={input}");
        collect(Path::new(input), &mut files);
    }
    files.sort();
    let mut hasher = DefaultHasher::new();
    for file in &files {
        hasher.write(file.to_string_lossy().as_bytes());
        hasher.write(&std::fs::read(file).unwrap_or_default());
    }
    println!("cargo:rustc-env=CANCELSAFE_BUILD_ID={:016x}", hasher.finish());
}

/// `path` if it is a file, else every file below it (transforms/: only the rule pages, which
/// are compiled in; the cases are not).
fn collect(path: &Path, files: &mut Vec<PathBuf>) {
    if path.is_file() {
        files.push(path.to_path_buf());
        return;
    }
    let Ok(entries) = std::fs::read_dir(path) else { return };
    for entry in entries.flatten() {
        let child = entry.path();
        if child.is_dir() {
            collect(&child, files);
        } else if !child.starts_with("transforms") || child.file_name().is_some_and(|name| name == "README.md") {
            files.push(child);
        }
    }
}
