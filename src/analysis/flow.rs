//! How control leaves an `except` handler, and what would still run after it.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use ruff_python_ast::visitor::{walk_expr, Visitor};
use ruff_python_ast::{BoolOp, ExceptHandler, ExceptHandlerExceptHandler, Expr, Pattern, Stmt, UnaryOp};
use ruff_text_size::Ranged;

use super::names::AsyncioNames;
use super::project::Project;
use crate::edits::Suite;

/// A way out of a handler that does not re-raise what it caught.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExitKind {
    /// Control reaches the end of the handler and continues after the `try`.
    FallsOff,
    /// `return` without a value.
    Return,
    /// `return value`: the value is someone's result.
    ReturnValue,
    /// `break` out of a loop around the `try`.
    Break,
    /// `continue` a loop around the `try` (a retry).
    Continue,
    /// `raise Other(...)`: the cancellation is converted into another exception.
    RaiseOther,
}

/// One leaking exit: what it is, the statement that leaves (none when falling off the end),
/// and the suite holding it, so an edit can be placed there.
#[derive(Clone, Copy, Debug)]
pub struct HandlerExit<'a> {
    pub kind: ExitKind,
    pub stmt: Option<&'a Stmt>,
    pub suite: Suite<'a>,
    /// Inside an `except` nested in the handler: a bare `raise` there would raise the nested
    /// exception, not the cancellation, so the re-raise names the cancellation.
    pub in_nested_handler: bool,
}

/// Finds the exits of handler bodies that end without re-raising.
pub struct ExitFinder<'h> {
    /// Same-module functions that never return normally.
    pub always_raising: &'h HashSet<String>,
    /// Exception classes that derive only from errors (`class Closed(Exception)`).
    pub error_classes: &'h ErrorClasses<'h>,
    pub names: &'h AsyncioNames,
}

impl<'h> ExitFinder<'h> {
    /// The leaking exits of `handler`, in source order.
    pub fn exits<'a>(&self, handler: &'a ExceptHandlerExceptHandler) -> Vec<HandlerExit<'a>> {
        let mut exception_names: Vec<String> = handler.name.iter().map(|n| n.id.to_string()).collect();
        // `err = e` inside the handler: raising `err` re-raises too.
        for stmt in &handler.body {
            if let Stmt::Assign(assign) = stmt {
                if matches!(assign.value.as_ref(), Expr::Name(n) if exception_names.iter().any(|e| e == n.id.as_str())) {
                    for target in &assign.targets {
                        if let Expr::Name(target) = target {
                            exception_names.push(target.id.to_string());
                        }
                    }
                }
            }
        }
        let mut walk = ExitWalk { finder: self, exception_names, loop_depth: 0, handler_depth: 0, exits: Vec::new() };
        let suite = Suite::new(handler.start(), &handler.body);
        if walk.suite(suite) {
            walk.exits.push(HandlerExit { kind: ExitKind::FallsOff, stmt: None, suite, in_nested_handler: false });
        }
        walk.exits.sort_by_key(|exit| exit.stmt.map_or(handler.end(), Ranged::start));
        walk.exits
    }

    /// True when a function body can only end by raising.
    pub fn always_raises(&self, body: &[Stmt], header: ruff_text_size::TextSize) -> bool {
        let mut walk = ExitWalk { finder: self, exception_names: Vec::new(), loop_depth: 0, handler_depth: 0, exits: Vec::new() };
        let falls = walk.suite(Suite::new(header, body));
        !falls && walk.exits.iter().all(|exit| exit.kind == ExitKind::RaiseOther)
    }
}

/// Walks a handler's body as a `CancelledError` takes it: a branch that an `isinstance` test
/// of the caught exception rules out for a cancellation is not walked.
struct ExitWalk<'f, 'h, 'a> {
    finder: &'f ExitFinder<'h>,
    /// The caught exception's names: the handler's `as` name and its aliases (`err = e`).
    exception_names: Vec<String>,
    loop_depth: usize,
    /// How many `except` clauses nested in the handler enclose the statement being walked.
    handler_depth: usize,
    exits: Vec<HandlerExit<'a>>,
}

impl<'a> ExitWalk<'_, '_, 'a> {
    /// Walks a suite; returns whether control can reach its end.
    fn suite(&mut self, suite: Suite<'a>) -> bool {
        suite.stmts.iter().all(|stmt| self.stmt(stmt, suite))
    }

    fn exit(&mut self, kind: ExitKind, stmt: &'a Stmt, suite: Suite<'a>) -> bool {
        self.exits.push(HandlerExit { kind, stmt: Some(stmt), suite, in_nested_handler: self.handler_depth > 0 });
        false
    }

    fn stmt(&mut self, stmt: &'a Stmt, suite: Suite<'a>) -> bool {
        match stmt {
            Stmt::Return(ret) => {
                let kind = if ret.value.as_deref().is_none_or(Expr::is_none_literal_expr) {
                    ExitKind::Return
                } else {
                    ExitKind::ReturnValue
                };
                self.exit(kind, stmt, suite)
            }
            Stmt::Break(_) if self.loop_depth == 0 => self.exit(ExitKind::Break, stmt, suite),
            Stmt::Continue(_) if self.loop_depth == 0 => self.exit(ExitKind::Continue, stmt, suite),
            Stmt::Break(_) | Stmt::Continue(_) => false,
            Stmt::Raise(raise) => {
                if !self.is_reraise(raise.exc.as_deref()) {
                    self.exit(ExitKind::RaiseOther, stmt, suite);
                }
                false
            }
            // `sys.exit(3)` raises SystemExit: the cancellation is converted.
            Stmt::Expr(expr) if is_sys_exit(&expr.value) => self.exit(ExitKind::RaiseOther, stmt, suite),
            Stmt::Expr(expr) => !self.calls_always_raising(&expr.value),
            Stmt::If(if_stmt) => {
                let clauses = std::iter::once((Some(if_stmt.test.as_ref()), Suite::new(if_stmt.start(), &if_stmt.body)))
                    .chain(if_stmt.elif_else_clauses.iter().map(|c| (c.test.as_ref(), Suite::new(c.start(), &c.body))));
                let mut falls = false;
                for (test, body) in clauses {
                    let holds = test.map_or(Some(true), |test| self.holds_for_cancellation(test));
                    if holds != Some(false) {
                        falls |= self.suite(body);
                    }
                    if holds == Some(true) {
                        return falls;
                    }
                }
                // No clause is sure to be taken: control can pass the `if` untouched.
                true
            }
            Stmt::For(for_stmt) => {
                self.loop_depth += 1;
                self.suite(Suite::new(for_stmt.start(), &for_stmt.body));
                self.loop_depth -= 1;
                self.suite(Suite::new(for_stmt.start(), &for_stmt.orelse));
                true
            }
            Stmt::While(while_stmt) => {
                self.loop_depth += 1;
                self.suite(Suite::new(while_stmt.start(), &while_stmt.body));
                self.loop_depth -= 1;
                // The `else` suite's exits are recorded; whether it falls through does not
                // matter: a `while cond:` ends when its condition turns false anyway.
                self.suite(Suite::new(while_stmt.start(), &while_stmt.orelse));
                let forever = matches!(while_stmt.test.as_ref(), Expr::BooleanLiteral(b) if b.value);
                !forever || contains_break(&while_stmt.body)
            }
            Stmt::With(with) => self.suite(Suite::new(with.start(), &with.body)),
            Stmt::Try(try_stmt) => {
                let body = self.suite(Suite::new(try_stmt.start(), &try_stmt.body));
                let orelse = self.suite(Suite::new(try_stmt.start(), &try_stmt.orelse));
                let mut falls = body && orelse;
                self.handler_depth += 1;
                for handler in &try_stmt.handlers {
                    let ExceptHandler::ExceptHandler(handler) = handler;
                    falls |= self.suite(Suite::new(handler.start(), &handler.body));
                }
                self.handler_depth -= 1;
                if !try_stmt.finalbody.is_empty() && !self.suite(Suite::new(try_stmt.start(), &try_stmt.finalbody)) {
                    return false;
                }
                falls
            }
            Stmt::Match(match_stmt) => {
                let mut falls = false;
                let mut exhaustive = false;
                for case in &match_stmt.cases {
                    falls |= self.suite(Suite::new(case.start(), &case.body));
                    exhaustive |= case.guard.is_none() && matches!(&case.pattern, Pattern::MatchAs(p) if p.pattern.is_none());
                }
                falls || !exhaustive
            }
            _ => true,
        }
    }

    /// `raise`, `raise e`, `raise err` (an alias), `raise e.with_traceback(tb)`,
    /// `raise eg.exceptions[0]` (the cancellation inside an `except*` group), and a fresh
    /// `raise asyncio.CancelledError(...)`: the task still ends cancelled.
    fn is_reraise(&self, exc: Option<&Expr>) -> bool {
        let Some(mut exc) = exc else { return true };
        loop {
            if self.finder.names.is_cancelled_error(exc) {
                return true;
            }
            exc = match exc {
                Expr::Name(name) => return self.exception_names.iter().any(|e| e == name.id.as_str()),
                Expr::Call(call) => &call.func,
                Expr::Attribute(attribute) => &attribute.value,
                Expr::Subscript(subscript) => &subscript.value,
                _ => return false,
            };
        }
    }

    /// Whether `test` is true when the caught exception is a `CancelledError`: `Some(true)`,
    /// `Some(false)`, or `None` when it depends on something else. Reads `isinstance(e, T)`
    /// of the caught exception, `not`, `and`, `or`.
    fn holds_for_cancellation(&self, test: &Expr) -> Option<bool> {
        match test {
            Expr::UnaryOp(op) if op.op == UnaryOp::Not => self.holds_for_cancellation(&op.operand).map(|b| !b),
            Expr::BoolOp(op) => {
                let values: Vec<Option<bool>> = op.values.iter().map(|v| self.holds_for_cancellation(v)).collect();
                let (decisive, other) = if op.op == BoolOp::And { (false, true) } else { (true, false) };
                if values.contains(&Some(decisive)) {
                    Some(decisive)
                } else if values.iter().all(|v| *v == Some(other)) {
                    Some(other)
                } else {
                    None
                }
            }
            Expr::Call(call) => {
                let is_isinstance = matches!(call.func.as_ref(), Expr::Name(n) if n.id.as_str() == "isinstance");
                let [Expr::Name(subject), types] = call.arguments.args.as_ref() else { return None };
                if !is_isinstance || !call.arguments.keywords.is_empty() || !self.exception_names.iter().any(|e| e == subject.id.as_str()) {
                    return None;
                }
                let types: Vec<&Expr> = match types {
                    Expr::Tuple(tuple) => tuple.elts.iter().collect(),
                    other => vec![other],
                };
                if types.iter().any(|t| self.finder.names.cancellation_class(t).is_some() || is_base_exception_name(t)) {
                    Some(true)
                } else if types.iter().all(|t| is_other_builtin_exception(t) || matches!(t, Expr::Name(n) if self.finder.error_classes.contains(n.id.as_str()))) {
                    Some(false)
                } else {
                    None
                }
            }
            _ => None,
        }
    }

    fn calls_always_raising(&self, expr: &Expr) -> bool {
        // `await fail(exc)` of an `async def` that always raises raises too.
        let expr = match expr {
            Expr::Await(awaited) => awaited.value.as_ref(),
            other => other,
        };
        let Expr::Call(call) = expr else { return false };
        let name = match call.func.as_ref() {
            Expr::Name(name) => name.id.as_str(),
            Expr::Attribute(attribute) => attribute.attr.as_str(),
            _ => return false,
        };
        self.finder.always_raising.contains(name)
    }
}

/// `sys.exit(...)`.
fn is_sys_exit(expr: &Expr) -> bool {
    matches!(expr, Expr::Call(call) if matches!(call.func.as_ref(), Expr::Attribute(a)
        if a.attr.as_str() == "exit" && matches!(a.value.as_ref(), Expr::Name(n) if n.id.as_str() == "sys")))
}

fn is_base_exception_name(expr: &Expr) -> bool {
    matches!(expr, Expr::Name(n) if n.id.as_str() == "BaseException")
}

/// The exception classes that are never a cancellation, by name: the module's own
/// ([`error_classes`]), and those it imports from its project (`from .errors import
/// RealtimeError`), judged in the module that defines them, whose bases may be imported in turn
/// (a few modules deep).
pub struct ErrorClasses<'a> {
    own: HashSet<String>,
    module: &'a [Stmt],
    project: Option<&'a Project>,
    /// Imported names already judged, by the importing module's file and the name.
    imported: RefCell<HashMap<(Option<PathBuf>, String), bool>>,
}

/// How many modules deep an imported exception class and its bases are followed.
const IMPORT_DEPTH: usize = 3;

impl<'a> ErrorClasses<'a> {
    pub fn of(module: &'a [Stmt], project: &'a Project) -> Self {
        let mut classes = ErrorClasses { own: HashSet::new(), module, project: Some(project), imported: RefCell::default() };
        classes.own = error_classes_with(module, &|base| classes.imported_error(module, None, base, IMPORT_DEPTH));
        classes
    }

    /// No class known.
    pub fn none() -> Self {
        ErrorClasses { own: HashSet::new(), module: &[], project: None, imported: RefCell::default() }
    }

    pub fn contains(&self, name: &str) -> bool {
        self.own.contains(name) || self.imported_error(self.module, None, name, IMPORT_DEPTH)
    }

    /// Whether `name`, which `module` (the file at `path`; `None`: the checked one) imports
    /// from its project, is an error class where it is defined.
    fn imported_error(&self, module: &[Stmt], path: Option<&Path>, name: &str, depth: usize) -> bool {
        let Some(project) = self.project.filter(|_| depth > 0) else { return false };
        let key = (path.map(Path::to_path_buf), name.to_string());
        if let Some(known) = self.imported.borrow().get(&key) {
            return *known;
        }
        // A cycle of imports ends here as "unknown".
        self.imported.borrow_mut().insert(key.clone(), false);
        let found = project.definition(path, module, name).is_some_and(|imported| {
            let body = &imported.sibling.module.syntax().body;
            let at = Some(imported.sibling.path.as_path());
            error_classes_with(body, &|base| self.imported_error(body, at, base, depth - 1)).contains(&imported.name)
        });
        self.imported.borrow_mut().insert(key, found);
        found
    }
}

/// The module-level classes whose every base is a builtin error other than `BaseException` or
/// another such class (`class Closed(ConnectionError)`): an instance is never a cancellation.
pub fn error_classes(body: &[Stmt]) -> HashSet<String> {
    error_classes_with(body, &|_| false)
}

/// [`error_classes`], where a base the module does not define counts when `imported_error`
/// says it is an error class of the module it comes from.
fn error_classes_with(body: &[Stmt], imported_error: &dyn Fn(&str) -> bool) -> HashSet<String> {
    let classes: Vec<&ruff_python_ast::StmtClassDef> = body.iter().filter_map(Stmt::as_class_def_stmt).collect();
    // A class defined twice is not one known class.
    let mut definitions: HashMap<&str, usize> = HashMap::new();
    for class in &classes {
        *definitions.entry(class.name.as_str()).or_default() += 1;
    }
    let mut found: HashSet<String> = HashSet::new();
    let mut imported: HashMap<&str, bool> = HashMap::new();
    // Bases defined later in the module: repeat until nothing is added.
    loop {
        let before = found.len();
        for class in &classes {
            let bases = class.bases();
            let errors = !bases.is_empty()
                && bases.iter().all(|base| {
                    is_other_builtin_exception(base)
                        || matches!(base, Expr::Name(n) if found.contains(n.id.as_str())
                            || (!definitions.contains_key(n.id.as_str()) && *imported.entry(n.id.as_str()).or_insert_with(|| imported_error(n.id.as_str()))))
                });
            if errors && definitions[class.name.as_str()] == 1 {
                found.insert(class.name.to_string());
            }
        }
        if found.len() == before {
            return found;
        }
    }
}

/// A built-in exception class that is not `CancelledError` nor one of its bases
/// (`CancelledError` derives from `BaseException` only, since 3.8).
fn is_other_builtin_exception(expr: &Expr) -> bool {
    const BUILTIN: &[&str] = &[
        "Exception", "ArithmeticError", "AssertionError", "AttributeError", "BlockingIOError", "BrokenPipeError",
        "BufferError", "ChildProcessError", "ConnectionAbortedError", "ConnectionError", "ConnectionRefusedError",
        "ConnectionResetError", "EOFError", "EnvironmentError", "FileExistsError", "FileNotFoundError",
        "FloatingPointError", "GeneratorExit", "IOError", "ImportError", "IndexError", "InterruptedError",
        "IsADirectoryError", "KeyError", "KeyboardInterrupt", "LookupError", "MemoryError", "ModuleNotFoundError",
        "NameError", "NotADirectoryError", "NotImplementedError", "OSError", "OverflowError", "PermissionError",
        "ProcessLookupError", "RecursionError", "ReferenceError", "RuntimeError", "StopAsyncIteration",
        "StopIteration", "SyntaxError", "SystemError", "SystemExit", "TimeoutError", "TypeError", "UnboundLocalError",
        "UnicodeDecodeError", "UnicodeEncodeError", "UnicodeError", "ValueError", "ZeroDivisionError",
        "ExceptionGroup", "BaseExceptionGroup",
    ];
    matches!(expr, Expr::Name(n) if BUILTIN.contains(&n.id.as_str()))
}

/// A `break` that leaves this loop (not one of a nested loop).
fn contains_break(body: &[Stmt]) -> bool {
    body.iter().any(|stmt| match stmt {
        Stmt::Break(_) => true,
        Stmt::If(s) => contains_break(&s.body) || s.elif_else_clauses.iter().any(|c| contains_break(&c.body)),
        Stmt::With(s) => contains_break(&s.body),
        Stmt::Try(s) => {
            contains_break(&s.body)
                || contains_break(&s.orelse)
                || contains_break(&s.finalbody)
                || s.handlers.iter().any(|ExceptHandler::ExceptHandler(h)| contains_break(&h.body))
        }
        Stmt::Match(s) => s.cases.iter().any(|c| contains_break(&c.body)),
        _ => false,
    })
}

/// True when the handler already decides about cancellation itself: it consults
/// `cancelling()` (aiohttp and Home Assistant write this by hand), or hands the exception to a
/// context manager's `__exit__` / `__aexit__`, whose answer decides whether it is swallowed
/// (anyio's task group asks its cancel scope, which swallows only the cancellation it
/// delivered itself). An `isinstance(e, CancelledError)` test is no such decision by itself:
/// the exit walk follows the branch a cancellation takes.
pub fn is_guarded(handler: &ExceptHandlerExceptHandler) -> bool {
    struct Guard<'n> {
        exception: Option<&'n str>,
        found: bool,
    }
    impl<'a> Visitor<'a> for Guard<'_> {
        fn visit_expr(&mut self, expr: &'a Expr) {
            if let Expr::Call(call) = expr {
                let consults_count = matches!(call.func.as_ref(), Expr::Attribute(a) if a.attr.as_str() == "cancelling");
                let delegates = matches!(call.func.as_ref(), Expr::Attribute(a) if matches!(a.attr.as_str(), "__exit__" | "__aexit__"))
                    && call.arguments.args.iter().any(|arg| matches!(arg, Expr::Name(n) if Some(n.id.as_str()) == self.exception));
                self.found |= consults_count || delegates;
            }
            walk_expr(self, expr);
        }
    }
    let mut guard = Guard { exception: handler.name.as_ref().map(|n| n.id.as_str()), found: false };
    guard.visit_body(&handler.body);
    guard.found
}

/// Where the handler keeps the exception for later (`err = e`, `self._error = e`,
/// `errors.append(e)`): the source text of each place it is stored.
pub fn storage_of_exception<'a>(handler: &'a ExceptHandlerExceptHandler, source: &'a str) -> Vec<&'a str> {
    use ruff_python_ast::statement_visitor::{walk_stmt, StatementVisitor};
    let Some(name) = &handler.name else { return Vec::new() };
    struct Stores<'a, 'n> {
        name: &'n str,
        source: &'a str,
        places: Vec<&'a str>,
    }
    impl<'a> StatementVisitor<'a> for Stores<'a, '_> {
        fn visit_stmt(&mut self, stmt: &'a Stmt) {
            let is_exception = |expr: &Expr| matches!(expr, Expr::Name(n) if n.id.as_str() == self.name);
            match stmt {
                Stmt::Assign(assign) if is_exception(&assign.value) => {
                    self.places.extend(assign.targets.iter().map(|t| root_text(t, self.source)));
                }
                Stmt::AnnAssign(assign) if assign.value.as_deref().is_some_and(is_exception) => {
                    self.places.push(root_text(&assign.target, self.source));
                }
                Stmt::Expr(expr) => {
                    if let Expr::Call(call) = expr.value.as_ref() {
                        if let Expr::Attribute(method) = call.func.as_ref() {
                            let stores = matches!(method.attr.as_str(), "append" | "add" | "put_nowait" | "extend");
                            if stores && call.arguments.args.iter().any(is_exception) {
                                self.places.push(root_text(&method.value, self.source));
                            }
                        }
                    }
                }
                // Code in a nested function does not run here.
                Stmt::FunctionDef(_) | Stmt::ClassDef(_) => return,
                _ => {}
            }
            walk_stmt(self, stmt);
        }
    }
    // Stored anywhere in the handler, also inside an `if` (`if exc_val is None: exc_val = exc`).
    let mut stores = Stores { name: name.id.as_str(), source, places: Vec::new() };
    stores.visit_body(&handler.body);
    stores.places
}

/// `errors[0]` → `errors`; `self._exc` stays `self._exc`.
fn root_text<'a>(expr: &Expr, source: &'a str) -> &'a str {
    match expr {
        Expr::Subscript(subscript) => root_text(&subscript.value, source),
        other => &source[other.range()],
    }
}
