//! The benchmark's floor (docs/benchmark.md): find the same files as cancelsafe, then read,
//! decode and parse each one, in parallel in the same way, and do nothing else. cancelsafe
//! cannot be faster than this; the target is to stay within 1.5× of it.
//!
//!     cargo run --release --example parse_only -- PATH...

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use rayon::prelude::*;

use cancelsafe::discover::python_files;
use cancelsafe::settings::{ConfigSource, Overrides, Resolver};
use cancelsafe::source::SourceText;
use ruff_python_parser::parse_module;

fn main() -> ExitCode {
    let paths: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    let paths = if paths.is_empty() { vec![PathBuf::from(".")] } else { paths };
    // The same configuration lookup and exclusions as `cancelsafe` itself.
    let resolver = match Resolver::new(ConfigSource::Discover, Overrides::default()) {
        Ok(resolver) => Arc::new(resolver),
        Err(error) => {
            eprintln!("parse_only: {error:#}");
            return ExitCode::from(2);
        }
    };
    let excluded = Arc::new(move |path: &Path, found| resolver.excludes(path, found));
    let files = match python_files(&paths, false, excluded) {
        Ok(discovered) => discovered.files,
        Err(error) => {
            eprintln!("parse_only: {error:#}");
            return ExitCode::from(2);
        }
    };
    // (bytes, parse errors) per file, summed.
    let (bytes, errors) = files
        .par_iter()
        .map(|path| {
            let Ok(bytes) = std::fs::read(path) else { return (0, 1) };
            let Ok(source) = SourceText::decode(&bytes) else { return (bytes.len(), 1) };
            (bytes.len(), usize::from(parse_module(&source.text).is_err()))
        })
        .reduce(|| (0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
    println!("{} files, {bytes} bytes parsed; {errors} not readable or not parsed", files.len());
    ExitCode::from(u8::from(errors > 0))
}
