//! The shared helper module of `helper-module = "pkg.tasks"`: fixes import CS201's tracking
//! helper from it, so it must exist once they are applied. It is looked up (and created)
//! beside the configuration file, or under `src/` when the package lives there.

use std::path::{Path, PathBuf};

use ruff_python_ast::PythonVersion;

use crate::settings::Settings;
use crate::transforms::cs201_fire_and_forget_task::helper_module_source;

/// A module file to create, with its contents.
pub struct NewModule {
    /// The module's dotted name (`pkg.tasks`).
    pub name: String,
    pub path: PathBuf,
    pub contents: String,
}

/// The module file CS201's fixes need under `settings` (its `helper-module`), or `None` if
/// there is none to create.
pub fn missing_for(settings: &Settings) -> Option<NewModule> {
    missing(settings.helper_module.as_deref()?, &settings.root, settings.target_version)
}

/// The module file `--write` must create for `module` (`pkg.tasks`), or `None` if it exists.
fn missing(module: &str, root: &Path, target: PythonVersion) -> Option<NewModule> {
    let parts: Vec<&str> = module.split('.').collect();
    let relative: PathBuf = parts.iter().collect();
    let bases = [root.to_path_buf(), root.join("src")];
    let exists = bases.iter().any(|base| {
        base.join(&relative).with_extension("py").is_file() || base.join(&relative).join("__init__.py").is_file()
    });
    if exists {
        return None;
    }
    let base = if root.join("src").join(parts[0]).is_dir() { root.join("src") } else { root.to_path_buf() };
    Some(NewModule { name: module.to_string(), path: base.join(relative).with_extension("py"), contents: helper_module_source(target) })
}
