//! Name resolution for the asyncio vocabulary: which spellings mean `asyncio.CancelledError`,
//! `asyncio.gather`, `contextlib.suppress` in this module, and how inserted code should spell them.

use ruff_python_ast::statement_visitor::{walk_stmt, StatementVisitor};
use ruff_python_ast::{Expr, ModModule, Stmt};

use crate::edits::import_binding;

/// How an `except` clause's type relates to cancellation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Catches {
    /// Does not catch `CancelledError`.
    Nothing,
    /// Catches cancellation and nothing else (`except CancelledError`, a tuple of its spellings).
    OnlyCancellation,
    /// Catches `CancelledError` among other, named exceptions (a tuple).
    CancellationAmongOthers,
    /// Bare `except:`, `except BaseException`, or a tuple containing `BaseException`.
    Everything,
}

/// What asyncio-related names are bound in a module, from its imports anywhere in the file.
#[derive(Debug, Default)]
pub struct AsyncioNames {
    /// Names bound to the `asyncio` module (`asyncio`, `aio`).
    asyncio: Vec<String>,
    /// Names bound to `asyncio.exceptions`.
    exceptions: Vec<String>,
    /// `from asyncio import X as Y`: (Y, X).
    members: Vec<(String, String)>,
    /// Names bound to the `contextlib` module.
    contextlib: Vec<String>,
    /// Names bound to `contextlib.suppress`.
    suppress: Vec<String>,
    /// The module-level spelling inserted code uses for the asyncio module, if imported there.
    module_level_asyncio: Option<String>,
    /// The module-level name bound to `CancelledError`, if imported there.
    module_level_cancelled: Option<String>,
    /// Names bound by top-level statements other than imports (a user's own `CancelledError`).
    shadowed: Vec<String>,
    /// Names bound to a library with cancel scopes of its own: (name, library).
    scope_libraries: Vec<(String, &'static str)>,
    /// `from anyio import move_on_after as m`: (m, library, move_on_after).
    scope_members: Vec<(String, &'static str, String)>,
}

/// Libraries whose cancel scopes cancel the task that entered them: anyio and trio, and
/// `async_timeout` (asyncio's timeout before 3.11).
const SCOPE_LIBRARIES: &[&str] = &["anyio", "trio", "async_timeout"];

impl AsyncioNames {
    pub fn of(module: &ModModule) -> Self {
        let mut names = AsyncioNames::default();
        let mut collector = ImportCollector { names: &mut names, depth: 0 };
        collector.visit_body(&module.body);
        for stmt in &module.body {
            match stmt {
                Stmt::ClassDef(class) => names.shadowed.push(class.name.to_string()),
                Stmt::FunctionDef(function) => names.shadowed.push(function.name.to_string()),
                _ => {}
            }
        }
        names
    }

    /// True when the module imports asyncio in any form: the CS1xx rules only apply there
    /// (trio and anyio code has its own cancellation).
    pub fn uses_asyncio(&self) -> bool {
        !self.asyncio.is_empty() || !self.exceptions.is_empty() || !self.members.is_empty()
    }

    /// True when the module imports anyio, trio or async_timeout, whose cancel scopes CS401
    /// looks at even where asyncio is not imported.
    pub fn uses_cancel_scope_library(&self) -> bool {
        !self.scope_libraries.is_empty() || !self.scope_members.is_empty()
    }

    /// If `expr` names a member of anyio, trio or async_timeout (`anyio.move_on_after`, an
    /// imported `CancelScope`): the library and the member.
    pub fn scope_library_member<'s>(&'s self, expr: &'s Expr) -> Option<(&'static str, &'s str)> {
        match expr {
            Expr::Name(name) => self
                .scope_members
                .iter()
                .find(|(local, _, _)| local == name.id.as_str())
                .filter(|_| !self.shadowed.iter().any(|s| s == name.id.as_str()))
                .map(|(_, library, member)| (*library, member.as_str())),
            Expr::Attribute(attribute) => match attribute.value.as_ref() {
                Expr::Name(base) => self
                    .scope_libraries
                    .iter()
                    .find(|(local, _)| local == base.id.as_str())
                    .map(|(_, library)| (*library, attribute.attr.as_str())),
                _ => None,
            },
            _ => None,
        }
    }

    /// If `expr` names a member of asyncio (`asyncio.gather`, `aio.gather`, an imported
    /// `gather`, `asyncio.exceptions.CancelledError`), that member's name.
    pub fn asyncio_member<'s>(&'s self, expr: &'s Expr) -> Option<&'s str> {
        match expr {
            Expr::Name(name) => self
                .members
                .iter()
                .find(|(local, _)| local == name.id.as_str())
                .filter(|_| !self.shadowed.iter().any(|s| s == name.id.as_str()))
                .map(|(_, member)| member.as_str()),
            Expr::Attribute(attribute) => {
                let is_module = match attribute.value.as_ref() {
                    Expr::Name(base) => {
                        self.asyncio.iter().any(|n| n == base.id.as_str())
                            || self.exceptions.iter().any(|n| n == base.id.as_str())
                    }
                    Expr::Attribute(inner) => {
                        inner.attr.as_str() == "exceptions"
                            && matches!(inner.value.as_ref(), Expr::Name(base) if self.asyncio.iter().any(|n| n == base.id.as_str()))
                    }
                    _ => false,
                };
                is_module.then_some(attribute.attr.as_str())
            }
            _ => None,
        }
    }

    pub fn is_cancelled_error(&self, expr: &Expr) -> bool {
        self.asyncio_member(expr) == Some("CancelledError")
    }

    /// Classifies the type of an `except` clause (`None` for a bare `except:`).
    pub fn catches(&self, type_: Option<&Expr>) -> Catches {
        let Some(type_) = type_ else { return Catches::Everything };
        let elements: Vec<&Expr> = match type_ {
            Expr::Tuple(tuple) => tuple.elts.iter().collect(),
            other => vec![other],
        };
        if elements.iter().any(|e| is_base_exception(e)) {
            return Catches::Everything;
        }
        let cancelled = elements.iter().filter(|e| self.is_cancelled_error(e)).count();
        match cancelled {
            0 => Catches::Nothing,
            n if n == elements.len() => Catches::OnlyCancellation,
            _ => Catches::CancellationAmongOthers,
        }
    }

    /// `contextlib.suppress(...)` or an imported `suppress(...)`.
    pub fn is_suppress(&self, func: &Expr) -> bool {
        match func {
            Expr::Name(name) => self.suppress.iter().any(|n| n == name.id.as_str()),
            Expr::Attribute(attribute) => {
                attribute.attr.as_str() == "suppress"
                    && matches!(attribute.value.as_ref(), Expr::Name(base) if self.contextlib.iter().any(|n| n == base.id.as_str()))
            }
            _ => false,
        }
    }

    /// How inserted code refers to the asyncio module, and whether `import asyncio` must be added.
    pub fn asyncio_spelling(&self) -> (String, bool) {
        match &self.module_level_asyncio {
            Some(name) => (name.clone(), false),
            None => ("asyncio".to_string(), true),
        }
    }

    /// How inserted code spells `CancelledError`, and whether `import asyncio` must be added.
    pub fn cancelled_error_spelling(&self) -> (String, bool) {
        if let Some(name) = &self.module_level_cancelled {
            return (name.clone(), false);
        }
        let (module, needs_import) = self.asyncio_spelling();
        (format!("{module}.CancelledError"), needs_import)
    }
}

/// `TYPE_CHECKING` or `typing.TYPE_CHECKING`.
fn is_type_checking(test: &Expr) -> bool {
    match test {
        Expr::Name(name) => name.id.as_str() == "TYPE_CHECKING",
        Expr::Attribute(attribute) => attribute.attr.as_str() == "TYPE_CHECKING",
        _ => false,
    }
}

fn is_base_exception(expr: &Expr) -> bool {
    match expr {
        Expr::Name(name) => name.id.as_str() == "BaseException",
        Expr::Attribute(attribute) => {
            attribute.attr.as_str() == "BaseException"
                && matches!(attribute.value.as_ref(), Expr::Name(base) if base.id.as_str() == "builtins")
        }
        _ => false,
    }
}

struct ImportCollector<'n> {
    names: &'n mut AsyncioNames,
    depth: usize,
}

impl<'a> StatementVisitor<'a> for ImportCollector<'_> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        let top_level = self.depth == 0;
        match stmt {
            Stmt::Import(import) => {
                if let Some(name) = import_binding(import, "asyncio") {
                    if top_level && self.names.module_level_asyncio.is_none() {
                        self.names.module_level_asyncio = Some(name.clone());
                    }
                    self.names.asyncio.push(name);
                }
                for alias in &import.names {
                    if alias.name.as_str() == "asyncio.exceptions" {
                        if let Some(asname) = &alias.asname {
                            self.names.exceptions.push(asname.to_string());
                        }
                    }
                }
                if let Some(name) = import_binding(import, "contextlib") {
                    self.names.contextlib.push(name);
                }
                for library in SCOPE_LIBRARIES {
                    if let Some(name) = import_binding(import, library) {
                        self.names.scope_libraries.push((name, library));
                    }
                }
            }
            Stmt::ImportFrom(import) if import.level == 0 => {
                let module = import.module.as_deref().unwrap_or_default();
                for alias in &import.names {
                    let local = alias.asname.as_ref().unwrap_or(&alias.name).to_string();
                    let member = alias.name.to_string();
                    match module {
                        "asyncio" | "asyncio.exceptions" | "asyncio.tasks" => {
                            if module == "asyncio" && member == "exceptions" {
                                self.names.exceptions.push(local);
                                continue;
                            }
                            if member == "CancelledError" && top_level && self.names.module_level_cancelled.is_none() {
                                self.names.module_level_cancelled = Some(local.clone());
                            }
                            self.names.members.push((local, member));
                        }
                        "contextlib" if member == "suppress" => self.names.suppress.push(local),
                        library => {
                            if let Some(library) = SCOPE_LIBRARIES.iter().find(|l| **l == library) {
                                self.names.scope_members.push((local, library, member));
                            }
                        }
                    }
                }
            }
            Stmt::FunctionDef(_) | Stmt::ClassDef(_) => {
                self.depth += 1;
                walk_stmt(self, stmt);
                self.depth -= 1;
            }
            // Names imported only for type checkers are not bound at run time.
            Stmt::If(if_stmt) if is_type_checking(&if_stmt.test) => {
                for clause in &if_stmt.elif_else_clauses {
                    self.visit_body(&clause.body);
                }
            }
            _ => walk_stmt(self, stmt),
        }
    }
}

/// Whether `stmt` assigns the plain name `name` (a nested function's or class's body has its
/// own scope and does not count).
pub fn assigns_name(stmt: &Stmt, name: &str) -> bool {
    use ruff_python_ast::visitor::{walk_expr, walk_stmt, Visitor};
    struct Stores<'n> {
        name: &'n str,
        found: bool,
    }
    impl<'a> Visitor<'a> for Stores<'_> {
        fn visit_stmt(&mut self, stmt: &'a Stmt) {
            if !self.found && !matches!(stmt, Stmt::FunctionDef(_) | Stmt::ClassDef(_)) {
                walk_stmt(self, stmt);
            }
        }
        fn visit_expr(&mut self, expr: &'a Expr) {
            if let Expr::Name(n) = expr {
                self.found |= n.ctx == ruff_python_ast::ExprContext::Store && n.id.as_str() == self.name;
            }
            walk_expr(self, expr);
        }
    }
    let mut stores = Stores { name, found: false };
    walk_stmt(&mut stores, stmt);
    stores.found
}
