//! Results of unchanged files, reused between runs, as ruff does: one cache file per build of
//! the binary and per settings, in which each file's findings are keyed on its metadata
//! (modification and change times, size, permissions, inode) and on a hash of its content.
//!
//! Reuse is conservative. A file whose metadata changed is checked again. A file modified
//! shortly before it was read could be modified again within the same timestamp tick with
//! nothing in its metadata to show it (a coarse clock, a file system with 2-second times), so
//! its entry is marked racy and its content is compared with the hash before the entry is
//! trusted. Findings are reused only in `--check`, after the content was read and matched the
//! hash (their positions need the text anyway); every other mode recomputes a file that has
//! findings from its text, so `--write` never writes from the cache, and only "nothing found"
//! skips the work. A cache file that is corrupt, written by another build or for other settings
//! is ignored and replaced.

use std::collections::HashMap;
use std::hash::Hasher;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread::JoinHandle;
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result};
use ruff_diagnostics::Fix;
use ruff_text_size::{Ranged, TextRange, TextSize};
use serde::{Deserialize, Serialize};
use siphasher::sip128::{Hasher128, SipHasher13};

use super::{fix_threshold, process_bytes, Checked, FileReport};
use crate::analysis::project::Project;
use crate::finding::Finding;
use crate::rules::Rule;
use crate::settings::{Mode, Settings};
use crate::source::SourceText;

/// Where the cache goes unless `--cache-dir` or `CANCELSAFE_CACHE_DIR` says otherwise.
pub const DEFAULT_DIR: &str = ".cancelsafe_cache";

/// This build: a new version, or any change to the sources the binary is built from, starts
/// a new cache.
const BUILD: &str = concat!(env!("CARGO_PKG_VERSION"), "-", env!("CANCELSAFE_BUILD_ID"));

/// The first thing in every cache file; anything else is not one.
const FORMAT: &str = "cancelsafe results cache";

/// A file changed less than this long before it was read may change again without its
/// metadata showing it (see the module comment); wide enough for a network file system's clock.
const RACY_SECONDS: i64 = 10;

/// The results cache of one run.
pub struct Cache {
    root: PathBuf,
    cwd: PathBuf,
    /// This build's cache files, read in the background while the files are found.
    prefetch: Mutex<Option<JoinHandle<HashMap<String, Table>>>>,
    /// Their entries, by settings fingerprint.
    tables: OnceLock<Mutex<HashMap<String, Arc<Table>>>>,
    /// Per fingerprint and path: a new entry, or `None` to drop a stale one.
    updates: Mutex<HashMap<String, HashMap<String, Option<Entry>>>>,
}

/// One cache file's entries: absolute path → entry.
type Table = HashMap<String, Entry>;

/// What a file's metadata says; an entry is reused only while all of it is the same.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct Stamp {
    /// Modification time, seconds and nanoseconds.
    modified: (i64, i64),
    /// Status change time (Unix): it moves with every write, even when a tool puts the
    /// modification time back.
    changed: (i64, i64),
    size: u64,
    /// Permissions and file type.
    mode: u32,
    /// A file replaced by another one (an editor's atomic save) has a new inode.
    inode: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct Entry {
    stamp: Stamp,
    /// 128-bit SipHash-1-3 of the bytes read, in hex.
    hash: String,
    /// The file changed shortly before it was read: compare its content before trusting this.
    racy: bool,
    /// Findings in the text read (noqa applied); empty for a clean file.
    findings: Vec<CachedFinding>,
    /// The modules of the file's project that the rules read (or looked for: `None`), with
    /// their stamps then: the findings hold only while these are unchanged too.
    imports: Vec<(String, Option<Stamp>)>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct CachedFinding {
    code: String,
    message: String,
    range: (u32, u32),
    fix: Option<Fix>,
    reason: Option<String>,
}

/// The first line of a cache file: what it is for, and a checksum of the rest.
#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Header {
    format: String,
    build: String,
    settings: String,
    checksum: String,
}

impl Cache {
    /// The cache under `root` (created when results are first saved).
    pub fn new(root: PathBuf) -> Result<Cache> {
        let cwd = std::env::current_dir().context("cannot read the working directory")?;
        let root = cwd.join(root);
        let folder = root.join(BUILD);
        let prefetch = std::thread::spawn(move || read_tables(&folder));
        Ok(Cache { root, cwd, prefetch: Mutex::new(Some(prefetch)), tables: OnceLock::new(), updates: Mutex::default() })
    }

    /// [`super::process_file`], with results reused where the file and its settings are
    /// unchanged.
    pub fn process_file(&self, path: &Path, settings: &Settings, mode: Mode) -> FileReport {
        let settings = &*settings.for_file(path);
        let absolute = crate::settings::normalize(&self.cwd.join(path));
        let (Some(key), Some((stamp, read_at))) = (absolute.to_str(), Stamp::now_of(path)) else {
            return super::process_file(path, settings, mode);
        };
        let fingerprint = settings.fingerprint();
        let table = self.table(&fingerprint);
        let cached = table.get(key).filter(|entry| entry.stamp == stamp && entry.imports_unchanged());
        let clean = || FileReport::clean(crate::paths::display(path), fix_threshold(settings));
        if cached.is_some_and(|entry| entry.findings.is_empty() && !entry.racy) {
            return clean();
        }
        let bytes = match std::fs::read(path) {
            Ok(bytes) => bytes,
            Err(_) => return super::process_file(path, settings, mode),
        };
        let hash = content_hash(&bytes);
        if let Some(entry) = cached.filter(|entry| entry.hash == hash) {
            let reused = if entry.findings.is_empty() {
                Some(clean())
            } else if mode == Mode::Check {
                reuse(path, &bytes, entry, settings)
            } else {
                None
            };
            if let Some(report) = reused {
                let refreshed = Entry { racy: stamp.racy(read_at), ..entry.clone() };
                if refreshed != *entry {
                    self.update(&fingerprint, key, Some(refreshed));
                }
                return report;
            }
        }
        let project = Project::of(path);
        let report = process_bytes(path, &bytes, settings, &project, mode);
        let entry = match &report.outcome {
            // A written file has a new stamp: its entry would never be found again.
            Ok(checked) if !report.written => Some(Entry {
                stamp,
                hash,
                racy: stamp.racy(read_at),
                findings: checked.findings.iter().map(CachedFinding::of).collect(),
                imports: project.looked_at().into_iter().map(|import| (import.to_string_lossy().into_owned(), Stamp::of_path(&import))).collect(),
            })
            // A module read that changed just before could change again unseen: not kept.
            .filter(|entry| entry.imports.iter().all(|(_, import)| !import.is_some_and(|import| import.racy(read_at)))),
            _ => None,
        };
        if entry.is_some() || table.contains_key(key) {
            self.update(&fingerprint, key, entry);
        }
        report
    }

    /// The entries cached under `fingerprint`.
    fn table(&self, fingerprint: &str) -> Arc<Table> {
        let tables = self.tables.get_or_init(|| {
            let prefetched = self.prefetch.lock().unwrap().take().map(|prefetch| prefetch.join().unwrap_or_default()).unwrap_or_default();
            Mutex::new(prefetched.into_iter().map(|(settings, table)| (settings, Arc::new(table))).collect())
        });
        let mut tables = tables.lock().unwrap();
        match tables.get(fingerprint) {
            Some(table) => table.clone(),
            None => tables.entry(fingerprint.to_string()).or_default().clone(),
        }
    }

    fn update(&self, fingerprint: &str, key: &str, entry: Option<Entry>) {
        self.updates.lock().unwrap().entry(fingerprint.to_string()).or_default().insert(key.to_string(), entry);
    }

    fn table_path(&self, fingerprint: &str) -> PathBuf {
        self.root.join(BUILD).join(table_name(fingerprint))
    }

    /// Writes the cache files whose entries changed. Entries of files that no longer exist
    /// are dropped on the way (only those outside `checked`, the files of this run, are
    /// looked for).
    pub fn save<'a>(&self, checked: impl IntoIterator<Item = &'a Path>) -> Result<()> {
        let updates = std::mem::take(&mut *self.updates.lock().unwrap());
        if updates.is_empty() {
            return Ok(());
        }
        self.create_root()?;
        let checked: std::collections::HashSet<String> =
            checked.into_iter().filter_map(|path| crate::settings::normalize(&self.cwd.join(path)).to_str().map(str::to_string)).collect();
        for (fingerprint, changes) in updates {
            let mut table: Table = (*self.table(&fingerprint)).clone();
            table.retain(|key, _| changes.contains_key(key) || checked.contains(key) || Path::new(key).exists());
            for (key, entry) in changes {
                match entry {
                    Some(entry) => table.insert(key, entry),
                    None => table.remove(&key),
                };
            }
            write_table(&self.table_path(&fingerprint), &fingerprint, &table)?;
        }
        Ok(())
    }

    /// The cache folder, with a `.gitignore` that keeps it out of version control (and out of
    /// cancelsafe's own discovery) and a `CACHEDIR.TAG` for backup tools, as ruff does.
    fn create_root(&self) -> Result<()> {
        let folder = self.root.join(BUILD);
        std::fs::create_dir_all(&folder).with_context(|| format!("cannot create {}", folder.display()))?;
        let marks: [(&str, &str); 2] = [
            (".gitignore", "# Automatically created by cancelsafe.\n*\n"),
            ("CACHEDIR.TAG", "Signature: 8a477f597d28d172789f06886806bc55\n# This file is a cache directory tag created by cancelsafe.\n"),
        ];
        for (name, contents) in marks {
            let path = self.root.join(name);
            if !path.exists() {
                std::fs::write(&path, contents).with_context(|| format!("cannot write {}", path.display()))?;
            }
        }
        Ok(())
    }
}

/// The report of a `--check` of `bytes` from the cached findings, if they are sound for this
/// text (every range inside it, every rule known); `None` otherwise.
fn reuse(path: &Path, bytes: &[u8], entry: &Entry, settings: &Settings) -> Option<FileReport> {
    let source = SourceText::decode(bytes).ok()?;
    let findings = entry.findings.iter().map(|cached| cached.finding(&source.text)).collect::<Option<Vec<Finding>>>()?;
    let outcome = Ok(Checked::unfixed(&source.text, findings));
    let has_bom = source.has_bom;
    Some(FileReport { display: crate::paths::display(path), original: source.text, outcome, written: false, threshold: fix_threshold(settings), has_bom })
}

impl Entry {
    fn imports_unchanged(&self) -> bool {
        self.imports.iter().all(|(path, stamp)| Stamp::of_path(Path::new(path)) == *stamp)
    }
}

impl CachedFinding {
    fn of(finding: &Finding) -> CachedFinding {
        CachedFinding {
            code: finding.rule.code().to_string(),
            message: finding.message.clone(),
            range: (finding.range.start().into(), finding.range.end().into()),
            fix: finding.fix.clone(),
            reason: finding.reason.clone(),
        }
    }

    fn finding(&self, text: &str) -> Option<Finding> {
        let range = range_in(text, self.range.0, self.range.1)?;
        let edits_fit = self.fix.iter().flat_map(|fix| fix.edits()).all(|edit| range_in(text, edit.start().into(), edit.end().into()).is_some());
        let rule = Rule::from_code(&self.code)?;
        edits_fit.then(|| Finding { rule, message: self.message.clone(), range, fix: self.fix.clone(), reason: self.reason.clone() })
    }
}

/// `start..end` as a range of `text`, if it is one (in order, inside, on character boundaries).
fn range_in(text: &str, start: u32, end: u32) -> Option<TextRange> {
    let fits = start <= end && text.is_char_boundary(start as usize) && text.is_char_boundary(end as usize);
    fits.then(|| TextRange::new(TextSize::new(start), TextSize::new(end)))
}

impl Stamp {
    /// The stamp of `path`, and the time just before it was taken (seconds).
    fn now_of(path: &Path) -> Option<(Stamp, i64)> {
        let read_at = SystemTime::now().duration_since(UNIX_EPOCH).ok()?.as_secs() as i64;
        Some((Stamp::of_path(path)?, read_at))
    }

    fn of_path(path: &Path) -> Option<Stamp> {
        Stamp::of(&std::fs::metadata(path).ok()?)
    }

    #[cfg(unix)]
    fn of(metadata: &std::fs::Metadata) -> Option<Stamp> {
        use std::os::unix::fs::MetadataExt;
        Some(Stamp {
            modified: (metadata.mtime(), metadata.mtime_nsec()),
            changed: (metadata.ctime(), metadata.ctime_nsec()),
            size: metadata.size(),
            mode: metadata.mode(),
            inode: metadata.ino(),
        })
    }

    #[cfg(not(unix))]
    fn of(metadata: &std::fs::Metadata) -> Option<Stamp> {
        let modified = metadata.modified().ok()?.duration_since(UNIX_EPOCH).ok()?;
        Some(Stamp {
            modified: (modified.as_secs() as i64, i64::from(modified.subsec_nanos())),
            changed: (0, 0),
            size: metadata.len(),
            mode: u32::from(metadata.permissions().readonly()),
            inode: 0,
        })
    }

    /// Whether the file changed within [`RACY_SECONDS`] of `read_at` (or after it).
    fn racy(&self, read_at: i64) -> bool {
        self.modified.0.max(self.changed.0) >= read_at - RACY_SECONDS
    }
}

fn hash_of(bytes: &[u8]) -> u128 {
    let mut hasher = SipHasher13::new();
    hasher.write(bytes);
    hasher.finish128().as_u128()
}

fn content_hash(bytes: &[u8]) -> String {
    format!("{:032x}", hash_of(bytes))
}

/// The cache files in `folder`, by the settings they were written for.
fn read_tables(folder: &Path) -> HashMap<String, Table> {
    let Ok(entries) = std::fs::read_dir(folder) else { return HashMap::new() };
    entries.flatten().filter_map(|entry| read_table(&entry.path())).collect()
}

/// The settings fingerprint and entries of the cache file at `path`, if it is one written by
/// this build, under its own name, and its checksum matches; `None` for anything else.
fn read_table(path: &Path) -> Option<(String, Table)> {
    let data = std::fs::read(path).ok()?;
    let newline = data.iter().position(|&byte| byte == b'\n')?;
    let (header, body) = (&data[..newline], &data[newline + 1..]);
    let header: Header = serde_json::from_slice(header).ok()?;
    let sound = header.format == FORMAT
        && header.build == BUILD
        && header.checksum == content_hash(body)
        && path.file_name()? == table_name(&header.settings).as_str();
    sound.then(|| Some((header.settings, serde_json::from_slice(body).ok()?))).flatten()
}

fn table_name(fingerprint: &str) -> String {
    format!("{:032x}.json", hash_of(fingerprint.as_bytes()))
}

/// Writes a cache file atomically (a reader sees the old file or the new one, never half of
/// one); two runs at once may each write theirs, and the last one stays.
fn write_table(path: &Path, fingerprint: &str, table: &Table) -> Result<()> {
    let body = serde_json::to_vec(table)?;
    let header = Header { format: FORMAT.into(), build: BUILD.into(), settings: fingerprint.into(), checksum: content_hash(&body) };
    let folder = path.parent().unwrap_or(Path::new("."));
    let mut temporary = tempfile::Builder::new().prefix(".tmp-").tempfile_in(folder).with_context(|| format!("cannot write in {}", folder.display()))?;
    serde_json::to_writer(&mut temporary, &header)?;
    temporary.write_all(b"\n")?;
    temporary.write_all(&body)?;
    temporary.persist(path).map_err(|error| error.error).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stamp(modified: i64, changed: i64) -> Stamp {
        Stamp { modified: (modified, 0), changed: (changed, 0), size: 1, mode: 0o644, inode: 1 }
    }

    #[test]
    fn a_file_changed_shortly_before_it_was_read_is_racy() {
        assert!(stamp(1000, 1000).racy(1005));
        assert!(stamp(900, 1000).racy(1005), "the change time counts too");
        assert!(stamp(2000, 2000).racy(1005), "a time in the future");
        assert!(!stamp(900, 900).racy(1005));
    }

    #[test]
    fn cache_files_that_are_corrupt_foreign_or_for_other_settings_are_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(table_name("rules=CS101"));
        let mut table = Table::new();
        table.insert("/x.py".into(), Entry { stamp: stamp(1, 1), hash: content_hash(b"x"), racy: false, findings: Vec::new(), imports: Vec::new() });
        write_table(&path, "rules=CS101", &table).unwrap();
        assert_eq!(read_tables(dir.path()), HashMap::from([("rules=CS101".to_string(), table.clone())]));
        let written = std::fs::read_to_string(&path).unwrap();

        std::fs::rename(&path, dir.path().join(table_name("rules=CS102"))).unwrap();
        assert!(read_tables(dir.path()).is_empty(), "a file under another settings' name");
        std::fs::remove_file(dir.path().join(table_name("rules=CS102"))).unwrap();

        let flipped = written.replace("\"racy\":false", "\"racy\":true ");
        assert_ne!(flipped, written);
        for (contents, why) in [
            (flipped.as_bytes(), "the checksum no longer matches"),
            (written.replace(BUILD, "0.0.0-other").as_bytes(), "another build's file"),
            (&written.as_bytes()[..written.len() / 2], "a truncated file"),
            (b"\xff\xfe not json\n{}", "not a cache file"),
        ] {
            std::fs::write(&path, contents).unwrap();
            assert!(read_tables(dir.path()).is_empty(), "{why}");
        }
    }

    #[test]
    fn cached_findings_that_do_not_fit_the_text_are_not_reused() {
        let finding = |range, code: &str| CachedFinding { code: code.into(), message: "m".into(), range, fix: None, reason: None };
        let text = "é = 1\n";
        assert!(finding((0, 2), "CS101").finding(text).is_some());
        assert!(finding((0, 1), "CS101").finding(text).is_none(), "inside a character");
        assert!(finding((0, 99), "CS101").finding(text).is_none(), "past the end");
        assert!(finding((3, 2), "CS101").finding(text).is_none(), "reversed");
        assert!(finding((0, 2), "XX999").finding(text).is_none(), "unknown rule");
    }
}
