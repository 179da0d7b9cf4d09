//! Where a diagnostic's `codeDescription` links: each rule's page (the text `--explain` prints)
//! written once into the user's cache folder, `cancelsafe/rules/<version>/<CODE>.md`, and
//! linked as a `file://` URI; or, when the editor sets `rulePagesUrl`, the team's own hosted
//! copy. A page that cannot be written gets no link (never a dead one), and the client is told
//! why in its log.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use lsp_types::Url;

use crate::rules::Rule;

/// The link of each rule's page, made once per setting.
#[derive(Debug, Default)]
pub struct RulePages {
    links: HashMap<Rule, Url>,
}

impl RulePages {
    /// The links for `setting` (the editor's `rulePagesUrl`, if any), and what went wrong
    /// making them, for the client's log.
    pub fn new(setting: Option<&str>) -> (RulePages, Option<String>) {
        match setting.map(str::trim).filter(|setting| !setting.is_empty()) {
            Some(template) => match hosted(template) {
                Ok(links) => (RulePages { links }, None),
                Err(problem) => {
                    let (pages, written) = RulePages::cached();
                    let problem = format!("cancelsafe: the setting rulePagesUrl = {template:?} is not usable ({problem}); linking the local copies instead");
                    (pages, Some(written.map_or(problem.clone(), |more| format!("{problem}; {more}"))))
                }
            },
            None => RulePages::cached(),
        }
    }

    /// The pages written into the cache folder.
    fn cached() -> (RulePages, Option<String>) {
        let folder = match cache_folder() {
            Some(cache) => cache.join("cancelsafe").join("rules").join(env!("CARGO_PKG_VERSION")),
            None => return (RulePages::default(), Some(no_link("neither XDG_CACHE_HOME nor HOME is set, so there is no cache folder"))),
        };
        if let Err(error) = std::fs::create_dir_all(&folder) {
            return (RulePages::default(), Some(no_link(&format!("cannot make the folder of the rule pages, {}: {error}", folder.display()))));
        }
        let mut links = HashMap::new();
        let mut problems = Vec::new();
        for rule in Rule::ALL {
            let path = folder.join(format!("{}.md", rule.code()));
            match write_once(&path, rule.page()).and_then(|()| Url::from_file_path(&path).map_err(|()| "not an absolute path".to_string())) {
                Ok(link) => {
                    links.insert(*rule, link);
                }
                Err(problem) => problems.push(format!("{}: {problem}", path.display())),
            }
        }
        let problem = (!problems.is_empty()).then(|| no_link(&format!("cannot write the rule pages: {}", problems.join("; "))));
        (RulePages { links }, problem)
    }

    pub fn link(&self, rule: Rule) -> Option<&Url> {
        self.links.get(&rule)
    }
}

fn no_link(why: &str) -> String {
    format!("cancelsafe: {why}; diagnostics link to no rule page")
}

/// `https://example.com/rules/{code}.md` with `{code}` and `{name}` filled in; a setting
/// without either is a base the page's `CODE.md` is appended to.
fn hosted(template: &str) -> Result<HashMap<Rule, Url>, String> {
    let has_field = template.contains("{code}") || template.contains("{name}");
    Rule::ALL
        .iter()
        .map(|rule| {
            let address = match has_field {
                true => template.replace("{code}", rule.code()).replace("{name}", rule.name()),
                false => format!("{}/{}.md", template.trim_end_matches('/'), rule.code()),
            };
            Url::parse(&address).map(|link| (*rule, link)).map_err(|error| format!("{address}: {error}"))
        })
        .collect()
}

/// `$XDG_CACHE_HOME` (if it is an absolute path, as the spec asks), else `~/.cache`.
fn cache_folder() -> Option<PathBuf> {
    let absolute = |value: std::ffi::OsString| Some(PathBuf::from(value)).filter(|path| path.is_absolute());
    std::env::var_os("XDG_CACHE_HOME")
        .and_then(absolute)
        .or_else(|| std::env::var_os("HOME").and_then(absolute).map(|home| home.join(".cache")))
}

/// Writes `text` to `path` unless it holds it already: into a temporary file of the same
/// folder, then renamed, so an editor opening the page never reads half of it.
fn write_once(path: &Path, text: &str) -> Result<(), String> {
    if std::fs::read(path).is_ok_and(|held| held == text.as_bytes()) {
        return Ok(());
    }
    let folder = path.parent().ok_or("no folder")?;
    let mut file = tempfile::NamedTempFile::new_in(folder).map_err(|error| error.to_string())?;
    file.write_all(text.as_bytes()).map_err(|error| error.to_string())?;
    file.persist(path).map_err(|error| error.error.to_string())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hosted_copy_is_a_base_or_a_template() {
        let base = hosted("https://docs.example.com/cancelsafe/rules/").unwrap();
        assert_eq!(base[&Rule::FireAndForgetTask].as_str(), "https://docs.example.com/cancelsafe/rules/CS201.md");
        let template = hosted("https://example.com/r/{name}.html#{code}").unwrap();
        assert_eq!(template[&Rule::FireAndForgetTask].as_str(), "https://example.com/r/fire-and-forget-task.html#CS201");
        assert!(hosted("not a url").is_err());
    }
}
