//! Atomic writes: a temporary file in the same directory, the original's permissions, then a
//! rename. A file that changed on disk since it was read is not overwritten.

use std::io::Write;
use std::path::Path;

use anyhow::{bail, Context, Result};

pub fn write_atomically(path: &Path, contents: &[u8], original: &[u8]) -> Result<()> {
    let on_disk = std::fs::read(path).with_context(|| format!("re-reading {}", path.display()))?;
    if on_disk != original {
        bail!("the file changed on disk while cancelsafe was working on it; not overwritten");
    }
    let permissions = std::fs::metadata(path)?.permissions();
    let temporary = written_beside(path, contents)?;
    std::fs::set_permissions(temporary.path(), permissions)?;
    temporary.persist(path).map_err(|error| error.error).with_context(|| format!("replacing {}", path.display()))?;
    Ok(())
}

/// Creates a file that must not exist yet (and its missing parent directories), atomically.
pub fn create_new(path: &Path, contents: &[u8]) -> Result<()> {
    let directory = folder_of(path);
    std::fs::create_dir_all(directory).with_context(|| format!("creating {}", directory.display()))?;
    let temporary = written_beside(path, contents)?;
    temporary.persist_noclobber(path).map_err(|error| error.error).with_context(|| format!("creating {}", path.display()))?;
    Ok(())
}

fn folder_of(path: &Path) -> &Path {
    path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."))
}

/// A temporary file in `path`'s folder (so the final rename stays on one file system) holding
/// `contents`, synced to disk.
fn written_beside(path: &Path, contents: &[u8]) -> Result<tempfile::NamedTempFile> {
    let directory = folder_of(path);
    let mut temporary = tempfile::Builder::new()
        .prefix(".cancelsafe-")
        .tempfile_in(directory)
        .with_context(|| format!("creating a temporary file in {}", directory.display()))?;
    temporary.write_all(contents)?;
    temporary.as_file().sync_all()?;
    Ok(temporary)
}
