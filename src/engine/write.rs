//! Writing a fixed file without losing its identity: through a symlink to its target (the link
//! stays), with its permissions, owner and group, never splitting a hard link, never over a
//! read-only file, never over a file that changed on disk since it was read.
//!
//! The new contents are written to a temporary file in the target's folder first. Normally it
//! then replaces the file by a rename, which is atomic. A file with other hard links, or owned
//! by someone whose ownership this process cannot give the new file, is instead rewritten in
//! place from that temporary copy (its inode, links and owner stay; the copy is removed only
//! once the file holds the new contents), as ruff and black always write. So is a writable file
//! in a folder the user may not write (no temporary file can go beside it): its copy is kept in
//! the system's temporary folder instead.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

pub fn write_atomically(path: &Path, contents: &[u8], original: &[u8]) -> Result<()> {
    let target = resolved(path)?;
    let on_disk = std::fs::read(&target).with_context(|| format!("re-reading {}", target.display()))?;
    if on_disk != original {
        bail!("the file changed on disk while cancelsafe was working on it; not overwritten");
    }
    let metadata = std::fs::metadata(&target).with_context(|| format!("reading the metadata of {}", target.display()))?;
    refuse_read_only(&target, &metadata)?;
    let temporary = match written_in(folder_of(&target), contents) {
        Ok(temporary) => temporary,
        Err(error) if is_permission_denied(&error) => {
            let elsewhere = std::env::temp_dir();
            let copy = written_in(&elsewhere, contents).with_context(|| {
                format!("{} cannot hold a temporary file ({error:#}), nor can {}; the file was left untouched", folder_of(&target).display(), elsewhere.display())
            })?;
            return rewrite_in_place(&target, contents, copy);
        }
        Err(error) => return Err(error),
    };
    std::fs::set_permissions(temporary.path(), metadata.permissions())?;
    if must_write_in_place(&temporary, &metadata) {
        return rewrite_in_place(&target, contents, temporary);
    }
    temporary.persist(&target).map_err(|error| error.error).with_context(|| format!("replacing {}", target.display()))?;
    Ok(())
}

/// The file a path names, through any symlinks (a link is kept; its target is what changes).
fn resolved(path: &Path) -> Result<PathBuf> {
    if !std::fs::symlink_metadata(path).with_context(|| format!("reading {}", path.display()))?.file_type().is_symlink() {
        return Ok(path.to_path_buf());
    }
    std::fs::canonicalize(path).with_context(|| format!("following the symlink {}", path.display()))
}

/// A file the user may not write is not rewritten, even where its folder would allow
/// replacing it.
#[cfg(unix)]
fn refuse_read_only(target: &Path, metadata: &std::fs::Metadata) -> Result<()> {
    use std::os::unix::ffi::OsStrExt;
    use std::os::unix::fs::PermissionsExt;
    let Ok(name) = std::ffi::CString::new(target.as_os_str().as_bytes()) else { return Ok(()) };
    // SAFETY: `name` is a valid NUL-terminated path; access() only reads it.
    let writable = unsafe { libc::access(name.as_ptr(), libc::W_OK) } == 0;
    if !writable {
        bail!("the file is read-only (mode {:o}): cancelsafe does not rewrite it; make it writable to apply the fixes", metadata.permissions().mode() & 0o7777);
    }
    Ok(())
}

#[cfg(not(unix))]
fn refuse_read_only(_target: &Path, metadata: &std::fs::Metadata) -> Result<()> {
    if metadata.permissions().readonly() {
        bail!("the file is read-only: cancelsafe does not rewrite it; make it writable to apply the fixes");
    }
    Ok(())
}

/// A rename would split the file's other hard links from it, or give it this process's owner
/// when the original's cannot be set on the new file.
#[cfg(unix)]
fn must_write_in_place(temporary: &tempfile::NamedTempFile, metadata: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    if metadata.nlink() > 1 {
        return true;
    }
    std::os::unix::fs::fchown(temporary.as_file(), Some(metadata.uid()), Some(metadata.gid())).is_err()
}

#[cfg(not(unix))]
fn must_write_in_place(_temporary: &tempfile::NamedTempFile, _metadata: &std::fs::Metadata) -> bool {
    false
}

/// Rewrites `target` in place, keeping the temporary copy until the file holds `contents`: if
/// the write is cut short, the copy beside it has them.
fn rewrite_in_place(target: &Path, contents: &[u8], temporary: tempfile::NamedTempFile) -> Result<()> {
    let mut file = std::fs::OpenOptions::new().write(true).truncate(true).open(target).with_context(|| format!("opening {}", target.display()))?;
    if let Err(error) = file.write_all(contents).and_then(|()| file.sync_all()) {
        // The file may be cut short: the copy stays on disk for the user to restore.
        let kept = match temporary.keep() {
            Ok((_, path)) => format!("its new contents are in {}", path.display()),
            Err(keep) => format!("its new contents could not be kept either: {}", keep.error),
        };
        return Err(error).with_context(|| format!("rewriting {} in place ({kept})", target.display()));
    }
    drop(temporary);
    Ok(())
}

/// Creates a file that must not exist yet (and its missing parent directories), atomically.
pub fn create_new(path: &Path, contents: &[u8]) -> Result<()> {
    let directory = folder_of(path);
    std::fs::create_dir_all(directory).with_context(|| format!("creating {}", directory.display()))?;
    let temporary = written_in(directory, contents)?;
    temporary.persist_noclobber(path).map_err(|error| error.error).with_context(|| format!("creating {}", path.display()))?;
    Ok(())
}

fn folder_of(path: &Path) -> &Path {
    path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."))
}

fn is_permission_denied(error: &anyhow::Error) -> bool {
    error.downcast_ref::<std::io::Error>().is_some_and(|error| error.kind() == std::io::ErrorKind::PermissionDenied)
}

/// A temporary file in `directory` (the target's folder, so the final rename stays on one file
/// system) holding `contents`, synced to disk.
fn written_in(directory: &Path, contents: &[u8]) -> Result<tempfile::NamedTempFile> {
    let mut temporary = tempfile::Builder::new()
        .prefix(".cancelsafe-")
        .tempfile_in(directory)
        .with_context(|| format!("creating a temporary file in {}", directory.display()))?;
    temporary.write_all(contents)?;
    temporary.as_file().sync_all()?;
    Ok(temporary)
}
