//! How control leaves an `except` handler, and what would still run after it.

use std::collections::HashSet;

use ruff_python_ast::visitor::{walk_expr, Visitor};
use ruff_python_ast::{ExceptHandler, ExceptHandlerExceptHandler, Expr, Pattern, Stmt};
use ruff_text_size::Ranged;

use super::names::AsyncioNames;
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
}

/// Finds the exits of handler bodies that end without re-raising.
pub struct ExitFinder<'h> {
    /// Same-module functions that never return normally.
    pub always_raising: &'h HashSet<String>,
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
        let mut walk = ExitWalk { finder: self, exception_names, loop_depth: 0, exits: Vec::new() };
        let suite = Suite::new(handler.start(), &handler.body);
        if walk.suite(suite) {
            walk.exits.push(HandlerExit { kind: ExitKind::FallsOff, stmt: None, suite });
        }
        walk.exits.sort_by_key(|exit| exit.stmt.map_or(handler.end(), Ranged::start));
        walk.exits
    }

    /// True when a function body can only end by raising.
    pub fn always_raises(&self, body: &[Stmt], header: ruff_text_size::TextSize) -> bool {
        let mut walk = ExitWalk { finder: self, exception_names: Vec::new(), loop_depth: 0, exits: Vec::new() };
        let falls = walk.suite(Suite::new(header, body));
        !falls && walk.exits.iter().all(|exit| exit.kind == ExitKind::RaiseOther)
    }
}

struct ExitWalk<'f, 'h, 'a> {
    finder: &'f ExitFinder<'h>,
    exception_names: Vec<String>,
    loop_depth: usize,
    exits: Vec<HandlerExit<'a>>,
}

impl<'a> ExitWalk<'_, '_, 'a> {
    /// Walks a suite; returns whether control can reach its end.
    fn suite(&mut self, suite: Suite<'a>) -> bool {
        suite.stmts.iter().all(|stmt| self.stmt(stmt, suite))
    }

    fn exit(&mut self, kind: ExitKind, stmt: &'a Stmt, suite: Suite<'a>) -> bool {
        self.exits.push(HandlerExit { kind, stmt: Some(stmt), suite });
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
                    self.exits.push(HandlerExit { kind: ExitKind::RaiseOther, stmt: Some(stmt), suite });
                }
                false
            }
            Stmt::Expr(expr) => !self.calls_always_raising(&expr.value),
            Stmt::If(if_stmt) => {
                let mut falls = self.suite(Suite::new(if_stmt.start(), &if_stmt.body));
                let mut has_else = false;
                for clause in &if_stmt.elif_else_clauses {
                    has_else |= clause.test.is_none();
                    falls |= self.suite(Suite::new(clause.start(), &clause.body));
                }
                falls || !has_else
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
                for handler in &try_stmt.handlers {
                    let ExceptHandler::ExceptHandler(handler) = handler;
                    falls |= self.suite(Suite::new(handler.start(), &handler.body));
                }
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
    /// `raise eg.exceptions[0]` (the cancellation inside an `except*` group).
    fn is_reraise(&self, exc: Option<&Expr>) -> bool {
        let Some(mut exc) = exc else { return true };
        loop {
            exc = match exc {
                Expr::Name(name) => return self.exception_names.iter().any(|e| e == name.id.as_str()),
                Expr::Call(call) => &call.func,
                Expr::Attribute(attribute) => &attribute.value,
                Expr::Subscript(subscript) => &subscript.value,
                _ => return false,
            };
        }
    }

    fn calls_always_raising(&self, expr: &Expr) -> bool {
        let Expr::Call(call) = expr else { return false };
        let name = match call.func.as_ref() {
            Expr::Name(name) => name.id.as_str(),
            Expr::Attribute(attribute) => attribute.attr.as_str(),
            _ => return false,
        };
        self.finder.always_raising.contains(name)
    }
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
/// `cancelling()` (aiohttp and Home Assistant write this by hand), tests
/// `isinstance(…, CancelledError)`, or hands the exception to a context manager's
/// `__exit__` / `__aexit__`, whose answer decides whether it is swallowed (anyio's task group
/// asks its cancel scope, which swallows only the cancellation it delivered itself).
pub fn is_guarded(handler: &ExceptHandlerExceptHandler, names: &AsyncioNames) -> bool {
    struct Guard<'n> {
        names: &'n AsyncioNames,
        exception: Option<&'n str>,
        found: bool,
    }
    impl<'a> Visitor<'a> for Guard<'_> {
        fn visit_expr(&mut self, expr: &'a Expr) {
            if let Expr::Call(call) = expr {
                let consults_count = matches!(call.func.as_ref(), Expr::Attribute(a) if a.attr.as_str() == "cancelling");
                let tests_type = matches!(call.func.as_ref(), Expr::Name(n) if n.id.as_str() == "isinstance")
                    && call.arguments.args.get(1).is_some_and(|ty| match ty {
                        Expr::Tuple(t) => t.elts.iter().any(|e| self.names.is_cancelled_error(e)),
                        other => self.names.is_cancelled_error(other),
                    });
                let delegates = matches!(call.func.as_ref(), Expr::Attribute(a) if matches!(a.attr.as_str(), "__exit__" | "__aexit__"))
                    && call.arguments.args.iter().any(|arg| matches!(arg, Expr::Name(n) if Some(n.id.as_str()) == self.exception));
                self.found |= consults_count || tests_type || delegates;
            }
            walk_expr(self, expr);
        }
    }
    let mut guard = Guard { names, exception: handler.name.as_ref().map(|n| n.id.as_str()), found: false };
    guard.visit_body(&handler.body);
    guard.found
}

/// Where the handler keeps the exception for later (`err = e`, `self._error = e`,
/// `errors.append(e)`): the source text of each place it is stored.
pub fn storage_of_exception<'a>(handler: &'a ExceptHandlerExceptHandler, source: &'a str) -> Vec<&'a str> {
    let Some(name) = &handler.name else { return Vec::new() };
    let is_exception = |expr: &Expr| matches!(expr, Expr::Name(n) if n.id == name.id);
    let mut places = Vec::new();
    for stmt in &handler.body {
        match stmt {
            Stmt::Assign(assign) if is_exception(&assign.value) => {
                places.extend(assign.targets.iter().map(|t| root_text(t, source)));
            }
            Stmt::AnnAssign(assign) if assign.value.as_deref().is_some_and(is_exception) => {
                places.push(root_text(&assign.target, source));
            }
            Stmt::Expr(expr) => {
                if let Expr::Call(call) = expr.value.as_ref() {
                    if let Expr::Attribute(method) = call.func.as_ref() {
                        let stores = matches!(method.attr.as_str(), "append" | "add" | "put_nowait" | "extend");
                        if stores && call.arguments.args.iter().any(is_exception) {
                            places.push(root_text(&method.value, source));
                        }
                    }
                }
            }
            _ => {}
        }
    }
    places
}

/// `errors[0]` → `errors`; `self._exc` stays `self._exc`.
fn root_text<'a>(expr: &Expr, source: &'a str) -> &'a str {
    match expr {
        Expr::Subscript(subscript) => root_text(&subscript.value, source),
        other => &source[other.range()],
    }
}
