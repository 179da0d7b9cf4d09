//! Name resolution for the async libraries a module uses: which spellings mean
//! `asyncio.CancelledError`, `trio.Cancelled`, `anyio.get_cancelled_exc_class()`,
//! `asyncio.gather`, `contextlib.suppress` in this module, and how inserted code should spell them.
//! One mechanism for every library: the imports bind local names to a library's module or to
//! its members, and an expression is resolved through those bindings.

use ruff_python_ast::statement_visitor::{walk_stmt, StatementVisitor};
use ruff_python_ast::{Expr, ModModule, Stmt};

use crate::edits::import_binding;

/// An async library whose cancellation the rules know.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Library {
    Asyncio,
    /// anyio: level-triggered cancel scopes on top of asyncio or trio.
    Anyio,
    Trio,
}

impl Library {
    const ALL: [Library; 3] = [Library::Asyncio, Library::Anyio, Library::Trio];

    /// The top-level module's name.
    pub const fn module(self) -> &'static str {
        match self {
            Library::Asyncio => "asyncio",
            Library::Anyio => "anyio",
            Library::Trio => "trio",
        }
    }

    /// The library a top-level module name is.
    fn of_module(module: &str) -> Option<Library> {
        Library::ALL.into_iter().find(|library| library.module() == module)
    }

    /// Cancel scopes deliver the cancellation again at every checkpoint until the scope ends
    /// (anyio, trio), instead of once (asyncio).
    pub const fn is_structured(self) -> bool {
        !matches!(self, Library::Asyncio)
    }

    /// How the library's cancellation is named in messages.
    pub const fn cancellation(self) -> &'static str {
        match self {
            Library::Asyncio => "CancelledError",
            Library::Anyio => "anyio.get_cancelled_exc_class()",
            Library::Trio => "trio.Cancelled",
        }
    }
}

/// How an `except` clause's type relates to cancellation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Catches {
    /// Does not catch the cancellation.
    Nothing,
    /// Catches cancellation and nothing else (`except CancelledError`, `except trio.Cancelled`,
    /// a tuple of such spellings).
    OnlyCancellation,
    /// Catches the cancellation among other, named exceptions (a tuple).
    CancellationAmongOthers,
    /// Bare `except:`, `except BaseException`, or a tuple containing `BaseException`.
    Everything,
}

/// The public names of Python 3.11's `asyncio.__all__`: what `from asyncio import *` binds.
const ASYNCIO_ALL: &[&str] = &[
    "ALL_COMPLETED", "AbstractChildWatcher", "AbstractEventLoop", "AbstractEventLoopPolicy",
    "AbstractServer", "Barrier", "BaseEventLoop", "BaseProtocol", "BaseTransport",
    "BoundedSemaphore", "BrokenBarrierError", "BufferedProtocol", "CancelledError", "Condition",
    "DatagramProtocol", "DatagramTransport", "DefaultEventLoopPolicy", "Event", "FIRST_COMPLETED",
    "FIRST_EXCEPTION", "FastChildWatcher", "Future", "Handle", "IncompleteReadError",
    "InvalidStateError", "LifoQueue", "LimitOverrunError", "Lock", "MultiLoopChildWatcher",
    "PidfdChildWatcher", "PriorityQueue", "Protocol", "Queue", "QueueEmpty", "QueueFull",
    "ReadTransport", "Runner", "SafeChildWatcher", "SelectorEventLoop", "Semaphore",
    "SendfileNotAvailableError", "Server", "StreamReader", "StreamReaderProtocol", "StreamWriter",
    "SubprocessProtocol", "SubprocessTransport", "Task", "ThreadedChildWatcher", "Timeout",
    "TimeoutError", "TimerHandle", "Transport", "WriteTransport", "all_tasks", "as_completed",
    "create_subprocess_exec", "create_subprocess_shell", "create_task", "current_task",
    "ensure_future", "gather", "get_child_watcher", "get_event_loop", "get_event_loop_policy",
    "get_running_loop", "iscoroutine", "iscoroutinefunction", "isfuture", "new_event_loop",
    "open_connection", "open_unix_connection", "run", "run_coroutine_threadsafe",
    "set_child_watcher", "set_event_loop", "set_event_loop_policy", "shield", "sleep",
    "start_server", "start_unix_server", "timeout", "timeout_at", "to_thread", "wait", "wait_for",
    "wrap_future",
];

/// What the async libraries' names are bound to in a module, from its imports anywhere in the file.
#[derive(Debug, Default)]
pub struct AsyncioNames {
    /// Names bound to one of the [`IMPORTED`] modules (`asyncio`, `aio`, `trio`, `anyio`,
    /// `async_timeout`): (name, module).
    modules: Vec<(String, &'static str)>,
    /// Names bound to `asyncio.exceptions`.
    exceptions: Vec<String>,
    /// `from asyncio import X as Y`: (Y, module, X).
    members: Vec<(String, &'static str, String)>,
    /// Names assigned `anyio.get_cancelled_exc_class()` (`Cancelled = get_cancelled_exc_class()`).
    cancelled_classes: Vec<String>,
    /// Names bound to the `contextlib` module.
    contextlib: Vec<String>,
    /// Names bound to `contextlib.suppress`.
    suppress: Vec<String>,
    /// Local names of `contextlib.contextmanager` / `asynccontextmanager` bound under another
    /// name (`from contextlib import asynccontextmanager as acm`).
    context_manager_aliases: Vec<String>,
    /// The module-level names inserted code uses for each library's module, if imported there.
    module_level: Vec<(Library, String)>,
    /// The module-level name bound to `CancelledError` / `Cancelled` / `get_cancelled_exc_class`.
    module_level_cancelled: Vec<(Library, String)>,
    /// Names bound by top-level statements other than imports (a user's own `CancelledError`).
    shadowed: Vec<String>,
    /// The [`IMPORTED`] modules whose submodules alone the module imports from (`from
    /// anyio.from_thread import start_blocking_portal`): it is written against that library,
    /// though none of the library's own members is bound.
    submodules: Vec<&'static str>,
}

/// The modules whose imports are followed: each [`Library`], and `async_timeout`.
const IMPORTED: &[&str] = &["asyncio", "anyio", "trio", "async_timeout"];

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
        if names.uses(Library::Anyio) {
            let mut assignments = CancelledClassAssignments { names: &names, found: Vec::new() };
            assignments.visit_body(&module.body);
            names.cancelled_classes = assignments.found;
        }
        names
    }

    /// True when the module imports asyncio in any form.
    pub fn uses_asyncio(&self) -> bool {
        self.uses(Library::Asyncio)
    }

    /// True when the module imports `library` (its module or one of its members).
    pub fn uses(&self, library: Library) -> bool {
        self.imports(library.module()) || (library == Library::Asyncio && !self.exceptions.is_empty())
    }

    /// True when the module imports `module` (one of [`IMPORTED`]) or one of its members.
    fn imports(&self, module: &str) -> bool {
        self.modules.iter().any(|(_, m)| *m == module) || self.members.iter().any(|(_, m, _)| *m == module) || self.submodules.contains(&module)
    }

    /// True when the module imports `member` from `library` (`from trio import hazmat`).
    pub fn imports_member(&self, library: Library, member: &str) -> bool {
        self.members.iter().any(|(_, module, name)| *module == library.module() && name == member)
    }

    /// The libraries the module imports, in [`Library`] order: the rules run only where there is one.
    pub fn libraries(&self) -> Vec<Library> {
        Library::ALL.into_iter().filter(|library| self.uses(*library)).collect()
    }

    /// True when the module imports anyio, trio or async_timeout, whose cancel scopes CS401
    /// looks at even where asyncio is not imported.
    pub fn uses_cancel_scope_library(&self) -> bool {
        SCOPE_LIBRARIES.iter().any(|module| self.imports(module))
    }

    /// If `expr` names a member of anyio, trio or async_timeout (`anyio.move_on_after`, an
    /// imported `CancelScope`): the library and the member.
    pub fn scope_library_member<'s>(&'s self, expr: &'s Expr) -> Option<(&'static str, &'s str)> {
        self.imported_member(expr).filter(|(module, _)| SCOPE_LIBRARIES.contains(module))
    }

    /// If `expr` names a member of one of the libraries (`asyncio.gather`, `aio.gather`, an
    /// imported `gather`, `asyncio.exceptions.CancelledError`, `trio.Cancelled`), the library
    /// and the member's name.
    pub fn member<'s>(&'s self, expr: &'s Expr) -> Option<(Library, &'s str)> {
        self.imported_member(expr).and_then(|(module, member)| Some((Library::of_module(module)?, member)))
    }

    /// If `expr` names a member of one of the [`IMPORTED`] modules: the module and the member.
    fn imported_member<'s>(&'s self, expr: &'s Expr) -> Option<(&'static str, &'s str)> {
        match expr {
            Expr::Name(name) => self
                .members
                .iter()
                .find(|(local, _, _)| local == name.id.as_str())
                .filter(|_| !self.shadowed.iter().any(|s| s == name.id.as_str()))
                .map(|(_, module, member)| (*module, member.as_str())),
            Expr::Attribute(attribute) => {
                let asyncio = Library::Asyncio.module();
                let module = match attribute.value.as_ref() {
                    Expr::Name(base) => self
                        .modules
                        .iter()
                        .find(|(n, _)| n == base.id.as_str())
                        .map(|(_, module)| *module)
                        .or_else(|| self.exceptions.iter().any(|n| n == base.id.as_str()).then_some(asyncio)),
                    Expr::Attribute(inner) => (inner.attr.as_str() == "exceptions"
                        && matches!(inner.value.as_ref(), Expr::Name(base) if self.modules.iter().any(|(n, m)| *m == asyncio && n == base.id.as_str())))
                    .then_some(asyncio),
                    _ => None,
                };
                module.map(|module| (module, attribute.attr.as_str()))
            }
            _ => None,
        }
    }

    /// If `expr` names a member of asyncio, that member's name.
    pub fn asyncio_member<'s>(&'s self, expr: &'s Expr) -> Option<&'s str> {
        self.member(expr).filter(|(library, _)| *library == Library::Asyncio).map(|(_, member)| member)
    }

    /// `asyncio.CancelledError` in any spelling.
    pub fn is_cancelled_error(&self, expr: &Expr) -> bool {
        self.asyncio_member(expr) == Some("CancelledError")
    }

    /// Whose cancellation `expr`, an exception class, is: `asyncio.CancelledError`,
    /// `trio.Cancelled`, `anyio.get_cancelled_exc_class()` or a name assigned it.
    pub fn cancellation_class(&self, expr: &Expr) -> Option<Library> {
        match expr {
            Expr::Call(call) if call.arguments.is_empty() => match self.member(&call.func) {
                Some((Library::Anyio, "get_cancelled_exc_class")) => Some(Library::Anyio),
                _ => None,
            },
            Expr::Name(name) if self.cancelled_classes.iter().any(|n| n == name.id.as_str()) => Some(Library::Anyio),
            _ => match self.member(expr) {
                Some((Library::Asyncio, "CancelledError")) => Some(Library::Asyncio),
                Some((Library::Trio, "Cancelled")) => Some(Library::Trio),
                _ => None,
            },
        }
    }

    /// The library whose cancellation an `except` clause's type names (the first one named);
    /// `None` for a bare `except:`, `BaseException`, or no cancellation at all.
    pub fn caught_library(&self, type_: Option<&Expr>) -> Option<Library> {
        let elements: Vec<&Expr> = match type_? {
            Expr::Tuple(tuple) => tuple.elts.iter().collect(),
            other => vec![other],
        };
        elements.iter().find_map(|e| self.cancellation_class(e))
    }

    /// Classifies the type of an `except` clause (`None` for a bare `except:`).
    pub fn catches(&self, type_: Option<&Expr>) -> Catches {
        let Some(type_) = type_ else { return Catches::Everything };
        let elements = exception_types(type_);
        if elements.iter().any(|e| is_base_exception(e)) {
            return Catches::Everything;
        }
        let cancelled = elements.iter().filter(|e| self.cancellation_class(e).is_some()).count();
        match cancelled {
            0 => Catches::Nothing,
            n if n == elements.len() => Catches::OnlyCancellation,
            _ => Catches::CancellationAmongOthers,
        }
    }

    /// The handler's type names `BaseExceptionGroup` (alone or in a tuple), which in anyio or
    /// trio code can hold the scope's cancellation.
    pub fn catches_group(&self, type_: Option<&Expr>) -> bool {
        type_.is_some_and(|type_| exception_types(type_).into_iter().any(|t| super::calls::callee_name(t) == Some("BaseExceptionGroup")))
    }

    /// `group.split(C)` or `group.subgroup(C)`, `C` a cancellation class or a tuple holding
    /// one: a call whose (first) part holds a group's cancellation.
    pub fn takes_cancel_part(&self, expr: &Expr) -> bool {
        group_split(expr).is_some_and(|(_, class)| self.covers_cancellation(class))
    }

    /// The name `stmt` binds the part of a group that holds its cancellation to:
    /// `cancelled, rest = group.split(C)`, `cancelled = group.subgroup(C)`,
    /// `cancelled = group.split(C)[0]`, or the rest of a split by other classes (`_, rest =
    /// group.split(ShutdownError)`). `_` discards it.
    pub fn binds_cancel_part<'s>(&self, stmt: &'s Stmt) -> Option<&'s str> {
        let Stmt::Assign(assign) = stmt else { return None };
        let target = assign.targets.first()?;
        let (value, index) = match assign.value.as_ref() {
            Expr::Subscript(part) => (part.value.as_ref(), part.slice.as_number_literal_expr()?.value.as_int()?.as_u64()?),
            value => (value, u64::MAX),
        };
        let (method, class) = group_split(value)?;
        let cancel_first = self.covers_cancellation(class);
        let target = match (method, target, index) {
            ("split", Expr::Tuple(targets), u64::MAX) => targets.elts.get(usize::from(!cancel_first))?,
            ("split", target, 0) if cancel_first => target,
            ("split", target, 1) if !cancel_first => target,
            ("subgroup", target, u64::MAX) if cancel_first => target,
            _ => return None,
        };
        target.as_name_expr().map(|name| name.id.as_str()).filter(|name| *name != "_")
    }

    /// A cancellation class, or a tuple that holds one or `BaseException`.
    fn covers_cancellation(&self, class: &Expr) -> bool {
        exception_types(class).into_iter().any(|class| self.cancellation_class(class).is_some() || is_base_exception(class))
    }

    /// A name bound to `contextlib.contextmanager` or `asynccontextmanager` by an import.
    pub fn is_context_manager_alias(&self, name: &str) -> bool {
        self.context_manager_aliases.iter().any(|alias| alias == name)
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

    /// How inserted code refers to `library`'s module, and whether `import <module>` must be added.
    pub fn module_spelling(&self, library: Library) -> (String, bool) {
        match self.module_level.iter().find(|(l, _)| *l == library) {
            Some((_, name)) => (name.clone(), false),
            None => (library.module().to_string(), true),
        }
    }

    /// How inserted code refers to the asyncio module, and whether `import asyncio` must be added.
    pub fn asyncio_spelling(&self) -> (String, bool) {
        self.module_spelling(Library::Asyncio)
    }

    /// How inserted code spells `library`'s cancellation class (`asyncio.CancelledError`,
    /// `trio.Cancelled`, `anyio.get_cancelled_exc_class()`), and whether its module must be imported.
    pub fn cancellation_spelling(&self, library: Library) -> (String, bool) {
        // A module's own `class CancelledError` hides the imported name: spell the library's.
        let imported = self
            .module_level_cancelled
            .iter()
            .find(|(l, name)| *l == library && !self.shadowed.contains(name))
            .map(|(_, name)| name.clone());
        let call = if library == Library::Anyio { "()" } else { "" };
        if let Some(name) = imported {
            return (format!("{name}{call}"), false);
        }
        let (module, needs_import) = self.module_spelling(library);
        let member = match library {
            Library::Asyncio => "CancelledError",
            Library::Anyio => "get_cancelled_exc_class",
            Library::Trio => "Cancelled",
        };
        (format!("{module}.{member}{call}"), needs_import)
    }

    /// How inserted code spells `CancelledError`, and whether `import asyncio` must be added.
    pub fn cancelled_error_spelling(&self) -> (String, bool) {
        self.cancellation_spelling(Library::Asyncio)
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

/// The member whose module-level name inserted code reuses for a library's cancellation.
fn is_cancellation_member(library: Library, member: &str) -> bool {
    matches!(
        (library, member),
        (Library::Asyncio, "CancelledError") | (Library::Trio, "Cancelled") | (Library::Anyio, "get_cancelled_exc_class")
    )
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
                for module in IMPORTED {
                    let Some(name) = import_binding(import, module) else { continue };
                    if let Some(library) = Library::of_module(module) {
                        if top_level && !self.names.module_level.iter().any(|(l, _)| *l == library) {
                            self.names.module_level.push((library, name.clone()));
                        }
                    }
                    self.names.modules.push((name, module));
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
            }
            Stmt::ImportFrom(import) if import.level == 0 => {
                let path = import.module.as_deref().unwrap_or_default();
                // `asyncio.exceptions` and `asyncio.tasks` re-export asyncio's own members.
                let module = match path {
                    "asyncio.exceptions" | "asyncio.tasks" => Some("asyncio"),
                    _ => IMPORTED.iter().copied().find(|m| *m == path),
                };
                if module.is_none() {
                    if let Some(library) = IMPORTED.iter().copied().find(|m| path.strip_prefix(m).is_some_and(|rest| rest.starts_with('.'))) {
                        self.names.submodules.push(library);
                    }
                }
                // `from asyncio import *` binds asyncio's public names (its `__all__`).
                let star = import.names.iter().any(|alias| alias.name.as_str() == "*") && module == Some("asyncio");
                let expanded: Vec<(String, String)> = match star {
                    true => ASYNCIO_ALL.iter().map(|name| (name.to_string(), name.to_string())).collect(),
                    false => import.names.iter().map(|alias| (alias.asname.as_ref().unwrap_or(&alias.name).to_string(), alias.name.to_string())).collect(),
                };
                for (local, member) in expanded {
                    if let Some(module) = module {
                        if path == "asyncio" && member == "exceptions" {
                            self.names.exceptions.push(local);
                            continue;
                        }
                        if let Some(library) = Library::of_module(module) {
                            let first = !self.names.module_level_cancelled.iter().any(|(l, _)| *l == library);
                            if is_cancellation_member(library, &member) && top_level && first {
                                self.names.module_level_cancelled.push((library, local.clone()));
                            }
                        }
                        self.names.members.push((local, module, member));
                    } else if path == "contextlib" && member == "suppress" {
                        self.names.suppress.push(local);
                    } else if path == "contextlib" && member.ends_with("contextmanager") {
                        self.names.context_manager_aliases.push(local);
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

/// `Cancelled = anyio.get_cancelled_exc_class()`, anywhere in the module: the name then
/// stands for the cancellation class in `except Cancelled:`.
struct CancelledClassAssignments<'n> {
    names: &'n AsyncioNames,
    found: Vec<String>,
}

impl<'a> StatementVisitor<'a> for CancelledClassAssignments<'_> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        if let Stmt::Assign(assign) = stmt {
            if self.names.cancellation_class(&assign.value) == Some(Library::Anyio) {
                self.found.extend(assign.targets.iter().filter_map(|t| t.as_name_expr()).map(|n| n.id.to_string()));
            }
        }
        walk_stmt(self, stmt);
    }
}

/// The names `function` binds itself: its parameters and the names its code stores (nested
/// functions and classes have their own scopes; their names count, their bodies do not).
pub fn bound_names(function: &ruff_python_ast::StmtFunctionDef) -> std::collections::HashSet<&str> {
    struct Stores<'a>(std::collections::HashSet<&'a str>);
    use ruff_python_ast::visitor::{walk_expr, walk_stmt, Visitor};
    impl<'a> Visitor<'a> for Stores<'a> {
        fn visit_stmt(&mut self, stmt: &'a Stmt) {
            match stmt {
                Stmt::FunctionDef(f) => {
                    self.0.insert(f.name.as_str());
                }
                Stmt::ClassDef(c) => {
                    self.0.insert(c.name.as_str());
                }
                _ => walk_stmt(self, stmt),
            }
        }
        fn visit_expr(&mut self, expr: &'a Expr) {
            if let Expr::Name(name) = expr {
                if name.ctx == ruff_python_ast::ExprContext::Store {
                    self.0.insert(name.id.as_str());
                }
            }
            walk_expr(self, expr);
        }
    }
    let mut stores = Stores(function.parameters.iter().map(|p| p.name().as_str()).collect());
    stores.visit_body(&function.body);
    stores.0
}

/// Whether `stmt`, run in its scope, binds `name` in any way: an assignment or other store
/// ([`assigns_name`]), a `def` or `class` of that name, or an import of it, also inside the
/// `if`, `try`, `with` and loop blocks it holds (not inside nested functions or classes).
pub fn binds_name(stmt: &Stmt, name: &str) -> bool {
    binds_name_but_to(stmt, name, None)
}

/// [`binds_name`], not counting an `import {module}` that binds `name` to that module (`if
/// TYPE_CHECKING: import logging` binds `logging` to what `import logging` does).
pub fn binds_name_but_to(stmt: &Stmt, name: &str, module: Option<&str>) -> bool {
    use ruff_python_ast::statement_visitor::{walk_stmt, StatementVisitor};
    struct Definitions<'n> {
        name: &'n str,
        module: Option<&'n str>,
        found: bool,
    }
    impl<'a> StatementVisitor<'a> for Definitions<'_> {
        fn visit_stmt(&mut self, stmt: &'a Stmt) {
            match stmt {
                Stmt::FunctionDef(function) => self.found |= function.name.as_str() == self.name,
                Stmt::ClassDef(class) => self.found |= class.name.as_str() == self.name,
                Stmt::Import(import) => {
                    self.found |= import.names.iter().any(|alias| {
                        let binding = match &alias.asname {
                            Some(asname) => asname.as_str(),
                            None => alias.name.as_str().split('.').next().unwrap_or_default(),
                        };
                        let the_module = match &alias.asname {
                            Some(_) => Some(alias.name.as_str()),
                            None => alias.name.as_str().split('.').next(),
                        };
                        binding == self.name && (self.module.is_none() || the_module != self.module)
                    });
                }
                Stmt::ImportFrom(import) => {
                    self.found |= import.names.iter().any(|alias| alias.asname.as_ref().unwrap_or(&alias.name).as_str() == self.name);
                }
                _ => walk_stmt(self, stmt),
            }
        }
    }
    let mut definitions = Definitions { name, module, found: false };
    definitions.visit_stmt(stmt);
    definitions.found || (!matches!(stmt, Stmt::FunctionDef(_) | Stmt::ClassDef(_)) && assigns_name(stmt, name))
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

/// `group.split(classes)` or `group.subgroup(classes)`: the method and its classes.
fn group_split(expr: &Expr) -> Option<(&str, &Expr)> {
    let Expr::Call(call) = expr else { return None };
    let Expr::Attribute(attribute) = call.func.as_ref() else { return None };
    let method = match attribute.attr.as_str() {
        method @ ("split" | "subgroup") => method,
        _ => return None,
    };
    Some((method, call.arguments.args.first()?))
}

/// The classes an `except` type names: the elements of a tuple, or the one class.
fn exception_types(type_: &Expr) -> Vec<&Expr> {
    match type_ {
        Expr::Tuple(tuple) => tuple.elts.iter().collect(),
        other => vec![other],
    }
}
