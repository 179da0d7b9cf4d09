//! Code a fix adds once per module (CS201's tracked-task set, CS301's protected cleanup): where
//! it goes, and the module imports it needs. Two fixes that add the same code produce the same
//! edit, which the engine applies once.

use ruff_diagnostics::Edit;
use ruff_python_ast::Stmt;
use ruff_source_file::LineRanges;
use ruff_text_size::Ranged;

use super::Checker;
use crate::analysis::names::binds_name_but_to;
use crate::edits::{import_binding, import_line, Snippet};

/// The edits that add `helper` after the module's imports, spaced as black and isort space it:
/// after the imports one blank line before an assignment, two before a definition; two after
/// the helper (whose code ends with a definition). It goes after the import that binds `module`
/// (`asyncio`, `anyio`; named `binding`, as the helper spells it) if that one comes later, since
/// the helper may use it at import time; `import` is the edit that adds that import when the
/// module has none.
pub fn insert_after_imports(checker: &Checker, helper: Snippet, module: &str, binding: &str, import: Option<Edit>) -> Vec<Edit> {
    let body = &checker.parsed.syntax().body;
    let binds_module = body.iter().find(|stmt| matches!(stmt, Stmt::Import(i) if import_binding(i, module).as_deref() == Some(binding)));
    let anchor = match (last_leading_import(body), binds_module) {
        (Some(last), Some(binding)) if binding.start() > last.start() => Some(binding),
        // The module's code starts before its imports (`x = 1`, then `import asyncio`).
        (None, Some(binding)) => Some(binding),
        (last, _) => last,
    };
    let lines = helper.lines();
    let first_line = lines.first().map_or("", |(_, text)| text.as_str());
    let definition = ["def ", "async def ", "class ", "@"].iter().any(|start| first_line.starts_with(start));
    let blank_before = if definition { 2 } else { 1 };
    match anchor {
        Some(anchor) => {
            let mut code = Snippet::line("");
            for _ in 1..blank_before {
                code = code.then(0, "");
            }
            let mut code = code.nest(0, helper);
            // Two blank lines after it, counting those already after the imports.
            for _ in blank_lines_after(checker.source(), anchor)..2 {
                code = code.then(0, "");
            }
            import.into_iter().chain([checker.editor.add_module_code_after(checker.parsed, anchor, &code)]).collect()
        }
        // No import to follow: the helper goes where an import would, after the one it needs.
        None => {
            let mut code = Snippet::default();
            if import.is_some() {
                code = code.then(0, import_line(module, (binding != module).then_some(binding)));
                for _ in 0..blank_before {
                    code = code.then(0, "");
                }
            }
            let code = code.nest(0, helper).then(0, "").then(0, "");
            vec![checker.editor.add_module_code(checker.parsed, &code)]
        }
    }
}

/// The name a top-level `import {module}` binds, or `module` and the edit that adds the import.
/// When the module also binds that name to something else (`logging = logging.getLogger()`,
/// `from loguru import logger as logging`), the helper would call that: the import is added
/// under a fresh name (`import logging as _logging`).
pub fn module_binding(checker: &Checker, module: &str) -> (String, Option<Edit>) {
    let body = &checker.parsed.syntax().body;
    let bound = body.iter().find_map(|stmt| match stmt {
        Stmt::Import(import) => import_binding(import, module),
        _ => None,
    });
    let rebound = |name: &str| body.iter().any(|stmt| binds_name_but_to(stmt, name, Some(module)));
    match bound {
        Some(name) if !rebound(&name) => (name, None),
        None if !rebound(module) => (module.to_string(), Some(checker.editor.add_import(checker.parsed, module, None))),
        _ => {
            let alias = checker.fresh_name(&format!("_{module}"));
            let import = checker.editor.add_import(checker.parsed, module, Some(&alias));
            (alias, Some(import))
        }
    }
}

/// How many blank lines follow `stmt`'s last line.
fn blank_lines_after(source: &str, stmt: &Stmt) -> usize {
    let rest = &source[source.line_end(stmt.end()).to_usize()..];
    rest.lines().skip(1).take_while(|line| line.trim().is_empty()).count()
}

/// The last import of the module's leading block of imports (with `try: import x` /
/// `except ImportError:` blocks), `__future__` imports aside.
pub fn last_leading_import(body: &[Stmt]) -> Option<&Stmt> {
    let is_import = |stmt: &Stmt| matches!(stmt, Stmt::Import(_) | Stmt::ImportFrom(_));
    let only_imports = |stmts: &[Stmt]| stmts.iter().all(|s| is_import(s) || matches!(s, Stmt::Pass(_) | Stmt::Assign(_)));
    let is_import_block = |stmt: &Stmt| match stmt {
        Stmt::Try(t) => {
            only_imports(&t.body) && t.handlers.iter().all(|h| only_imports(&h.as_except_handler().unwrap().body))
        }
        Stmt::If(i) => only_imports(&i.body) && i.elif_else_clauses.iter().all(|c| only_imports(&c.body)),
        other => is_import(other),
    };
    let is_future = |stmt: &Stmt| matches!(stmt, Stmt::ImportFrom(i) if i.module.as_deref() == Some("__future__"));
    let start = usize::from(body.first().is_some_and(ruff_python_ast::helpers::is_docstring_stmt));
    body[start..]
        .iter()
        .take_while(|stmt| is_import_block(stmt))
        .filter(|stmt| !is_future(stmt))
        .last()
}

/// Two imports a fix adds, `first` to go above `second`: if both insert at the same place (a
/// module whose only imports are `from anyio.x import …` gets `import logging` and `import anyio`
/// before them), `second` becomes one edit holding both, in order, and `first` none; two
/// insertions at one point would collide. Returns (`second`, `first`).
pub fn one_insertion(first: Option<Edit>, second: Option<Edit>) -> (Option<Edit>, Option<Edit>) {
    match (first, second) {
        (Some(a), Some(b)) if a.range().is_empty() && b.range().is_empty() && a.start() == b.start() => {
            let text = format!("{}{}", a.content().unwrap_or_default(), b.content().unwrap_or_default());
            (Some(Edit::insertion(text, a.start())), None)
        }
        (a, b) => (b, a),
    }
}
