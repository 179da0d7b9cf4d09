//! The checked file's own project: the modules it imports from its package (`from .compat
//! import resync`, `from mypkg.streams import Channel`), found on disk beside it and parsed the
//! first time a rule asks, so that a fact about a callee defined there (an `async def` that
//! never checkpoints, or that shields itself) can be read where it is defined.
//!
//! Only imports that resolve inside the file's own package tree are followed: a relative import,
//! or an absolute one whose first part is the file's top-level package (the outermost folder
//! above it that holds an `__init__.py`). Everything else (the standard library, installed
//! packages) is unknown, as before. Every path looked at is remembered, found or not, so that
//! the results cache can tell when a sibling changed ([`Project::looked_at`]).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use ruff_python_ast::Stmt;

use super::names::AsyncioNames;
use crate::source::Module;

/// How many re-exports (`from ._impl import name` in an `__init__.py`) are followed to a
/// definition.
const RE_EXPORTS: usize = 3;

/// Modules larger than this are not read: a sibling is read for one callee, and a generated
/// module of megabytes would cost more than the fact is worth.
const MAX_BYTES: u64 = 2 << 20;

/// The project around one checked file.
#[derive(Default)]
pub struct Project {
    /// The checked file, absolute; `None` for text with no file (stdin without a name, tests).
    file: Option<PathBuf>,
    /// Each module path looked at, with what was found there.
    modules: Mutex<HashMap<PathBuf, Option<Arc<Sibling>>>>,
}

/// One module of the project, parsed.
pub struct Sibling {
    pub path: PathBuf,
    pub module: Module,
    pub names: AsyncioNames,
}

/// A definition found in another module: which module, and the name it has there.
pub struct Imported {
    pub sibling: Arc<Sibling>,
    pub name: String,
}

impl Project {
    /// The project of the file at `path`.
    pub fn of(path: &Path) -> Project {
        Project { file: Some(crate::settings::normalize(path)), modules: Mutex::default() }
    }

    /// Every module path this project looked at (read or found missing), sorted.
    pub fn looked_at(&self) -> Vec<PathBuf> {
        let mut paths: Vec<PathBuf> = self.modules.lock().unwrap().keys().cloned().collect();
        paths.sort();
        paths
    }

    /// Where `name`, as the module of the file at `from` (`None`: the checked file) imports it
    /// from the project, is defined: the module and the name it has there, following
    /// re-exports. `module` is that file's statements.
    pub fn definition(&self, from: Option<&Path>, module: &[Stmt], name: &str) -> Option<Imported> {
        let from = self.importer(from)?;
        let mut import = Import::binding(module, name)?;
        let mut sibling = self.load(import.module_path(&from)?)?;
        for _ in 0..RE_EXPORTS {
            if defines(&sibling.module.syntax().body, &import.name) {
                return Some(Imported { sibling, name: import.name });
            }
            import = Import::binding(&sibling.module.syntax().body, &import.name)?;
            sibling = self.load(import.module_path(&sibling.path)?)?;
        }
        None
    }

    /// The project module bound to `name` by `from … import name` in `module` (the file at
    /// `from`; `None`: the checked file): `from . import _utils`, `from pkg import streams`.
    pub fn submodule(&self, from: Option<&Path>, module: &[Stmt], name: &str) -> Option<Arc<Sibling>> {
        let from = self.importer(from)?;
        let mut import = Import::binding(module, name)?;
        import.parts.push(std::mem::take(&mut import.name));
        self.load(resolve(&from, import.level, &import.parts)?)
    }

    /// The file whose imports are followed: `from`, or (`None`) the checked file.
    fn importer(&self, from: Option<&Path>) -> Option<PathBuf> {
        from.map(Path::to_path_buf).or_else(|| self.file.clone())
    }

    fn load(&self, path: PathBuf) -> Option<Arc<Sibling>> {
        if let Some(known) = self.modules.lock().unwrap().get(&path) {
            return known.clone();
        }
        let sibling = read(&path).map(Arc::new);
        self.modules.lock().unwrap().insert(path, sibling.clone());
        sibling
    }
}

/// A `from … import` that binds a name: where from, and the name imported.
struct Import {
    level: u32,
    parts: Vec<String>,
    name: String,
}

impl Import {
    /// The one module-level `from … import` in `module` that binds `name`, when no other
    /// statement at module level binds it.
    fn binding(module: &[Stmt], name: &str) -> Option<Import> {
        let mut found = None;
        for stmt in module {
            match stmt {
                Stmt::ImportFrom(import) => {
                    for alias in &import.names {
                        if alias.asname.as_ref().unwrap_or(&alias.name).as_str() == name {
                            if found.is_some() {
                                return None;
                            }
                            let parts = import.module.as_ref().map(|m| m.as_str().split('.').map(str::to_string).collect()).unwrap_or_default();
                            found = Some(Import { level: import.level, parts, name: alias.name.to_string() });
                        }
                    }
                }
                other if super::names::binds_name(other, name) => return None,
                _ => {}
            }
        }
        found
    }

    /// The file of the module imported from (not `from . import name`: see
    /// [`Project::submodule`]).
    fn module_path(&self, from: &Path) -> Option<PathBuf> {
        if self.parts.is_empty() {
            return None;
        }
        resolve(from, self.level, &self.parts)
    }
}

/// The file that the dotted `parts` name, imported at `level` (0: absolute) from the file at
/// `from`, when it lies in that file's package tree: `X/__init__.py`, else `X.py`. Paths that
/// do not exist are still returned (the first candidate), so that the cache sees a module
/// created later.
fn resolve(from: &Path, level: u32, parts: &[String]) -> Option<PathBuf> {
    let folder = from.parent()?;
    let base = if level > 0 {
        let mut base = folder.to_path_buf();
        for _ in 1..level {
            base = base.parent()?.to_path_buf();
        }
        base
    } else {
        let top = top_package(folder)?;
        if top.file_name()?.to_str()? != parts.first()?.as_str() {
            return None;
        }
        top.parent()?.to_path_buf()
    };
    let mut path = base;
    path.extend(parts);
    // A package takes precedence over a module of the same name, as in Python's import system.
    let file = path.with_extension("py");
    let package = path.join("__init__.py");
    Some(if package.is_file() { package } else { file })
}

/// The outermost folder at or above `folder` in an unbroken chain of `__init__.py` folders.
fn top_package(folder: &Path) -> Option<PathBuf> {
    let mut top = None;
    let mut at = Some(folder);
    while let Some(dir) = at.filter(|dir| dir.join("__init__.py").is_file()) {
        top = Some(dir.to_path_buf());
        at = dir.parent();
    }
    top
}

fn read(path: &Path) -> Option<Sibling> {
    if std::fs::metadata(path).ok()?.len() > MAX_BYTES {
        return None;
    }
    let bytes = std::fs::read(path).ok()?;
    let text = crate::source::SourceText::decode(&bytes).ok()?.text;
    let module = crate::source::parse(&text).ok()?;
    let names = AsyncioNames::of(module.syntax());
    Some(Sibling { path: path.to_path_buf(), module, names })
}

/// Whether the module's statements define `name` themselves (a function or a class).
fn defines(module: &[Stmt], name: &str) -> bool {
    module.iter().any(|stmt| match stmt {
        Stmt::FunctionDef(function) => function.name.as_str() == name,
        Stmt::ClassDef(class) => class.name.as_str() == name,
        _ => false,
    })
}
