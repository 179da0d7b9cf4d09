//! Suspension points: the only places a `CancelledError` can be thrown into a task.

use ruff_python_ast::visitor::{walk_expr, walk_stmt, Visitor};
use ruff_python_ast::{Expr, Stmt};

use super::names::AsyncioNames;

/// The suspension points of a block, not counting nested functions, lambdas or classes
/// (their bodies do not run here).
#[derive(Debug, Default)]
pub struct SuspensionPoints<'a> {
    /// Operands of `await` expressions.
    pub awaited: Vec<&'a Expr>,
    /// `async for` / `async with` statements.
    pub async_blocks: usize,
    /// The `async for` statements and the context expressions of `async with` items.
    async_sources: Vec<&'a Expr>,
}

impl<'a> SuspensionPoints<'a> {
    pub fn of(body: &'a [Stmt]) -> Self {
        let mut points = SuspensionPoints::default();
        for stmt in body {
            points.visit_stmt(stmt);
        }
        points
    }

    pub fn any(&self) -> bool {
        !self.awaited.is_empty() || self.async_blocks > 0
    }

    /// The first suspension point that may pass on a `CancelledError` that is not this task's
    /// own: almost any awaited coroutine can (a future another task cancelled, a job's stored
    /// result, a library's own `CancelledError`). Only asyncio's own waits raise it for this
    /// task's cancel alone: `asyncio.sleep`, `asyncio.wait` (it never raises a child's),
    /// `wait_for` / `shield` of one of those, and `async with asyncio.timeout(...)` or
    /// `asyncio.TaskGroup()` (the group ignores cancelled children).
    pub fn foreign_cancel_source(&self, names: &AsyncioNames) -> Option<&'a Expr> {
        let awaited = self.awaited.iter().copied().find(|expr| !raises_only_own_cancel(expr, names));
        awaited.or_else(|| {
            self.async_sources.iter().copied().find(|expr| {
                let call = match expr {
                    Expr::Call(call) => call,
                    _ => return true,
                };
                !matches!(names.asyncio_member(&call.func), Some("timeout" | "timeout_at" | "TaskGroup"))
            })
        })
    }

    /// The awaits of an *existing* task or future — a name or attribute, not a fresh call —
    /// directly or through `wait_for` / `gather`: the `CancelledError` there may be the other
    /// task's.
    pub fn awaits_existing_task(&self, names: &AsyncioNames) -> bool {
        self.awaited.iter().any(|expr| awaited_tasks(expr, names).next().is_some())
    }
}

/// The existing tasks an awaited expression waits on: `t`, `self._task`, `wait_for(t, …)`,
/// `gather(t, *tasks)` (without `return_exceptions=True`).
pub fn awaited_tasks<'e>(expr: &'e Expr, names: &AsyncioNames) -> Box<dyn Iterator<Item = &'e Expr> + 'e> {
    match expr {
        Expr::Name(_) | Expr::Attribute(_) | Expr::Subscript(_) => Box::new(std::iter::once(expr)),
        Expr::Call(call) => match names.asyncio_member(&call.func) {
            Some("wait_for" | "shield") => Box::new(call.arguments.args.first().filter(|arg| is_reference(arg)).into_iter()),
            Some("gather") if !returns_exceptions(call) => {
                Box::new(call.arguments.args.iter().filter(|arg| is_reference(arg)))
            }
            _ => Box::new(std::iter::empty()),
        },
        _ => Box::new(std::iter::empty()),
    }
}

/// `asyncio.sleep(...)`, `asyncio.wait(...)`, `wait_for` / `shield` of those, and a wait on
/// a primitive made on the spot (`asyncio.Event().wait()`), which nobody else can reach.
fn raises_only_own_cancel(expr: &Expr, names: &AsyncioNames) -> bool {
    let Expr::Call(call) = expr else { return false };
    match names.asyncio_member(&call.func) {
        Some("sleep" | "wait") => true,
        Some("wait_for" | "shield") => call.arguments.args.first().is_some_and(|inner| raises_only_own_cancel(inner, names)),
        _ => match call.func.as_ref() {
            Expr::Attribute(method) => matches!(method.value.as_ref(), Expr::Call(made)
                if matches!(names.asyncio_member(&made.func), Some("Event" | "Condition" | "Lock" | "Semaphore" | "BoundedSemaphore" | "Queue"))),
            _ => false,
        },
    }
}

fn is_reference(expr: &Expr) -> bool {
    match expr {
        Expr::Name(_) | Expr::Attribute(_) | Expr::Subscript(_) => true,
        Expr::Starred(starred) => is_reference(&starred.value),
        _ => false,
    }
}

/// `gather(..., return_exceptions=True)` hands back child cancellations as values.
pub fn returns_exceptions(call: &ruff_python_ast::ExprCall) -> bool {
    call.arguments
        .find_keyword("return_exceptions")
        .is_some_and(|keyword| !matches!(&keyword.value, Expr::BooleanLiteral(b) if !b.value))
}

impl<'a> Visitor<'a> for SuspensionPoints<'a> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        match stmt {
            Stmt::FunctionDef(_) | Stmt::ClassDef(_) => {}
            Stmt::For(for_stmt) if for_stmt.is_async => {
                self.async_blocks += 1;
                self.async_sources.push(&for_stmt.iter);
                walk_stmt(self, stmt);
            }
            Stmt::With(with) if with.is_async => {
                self.async_blocks += 1;
                self.async_sources.extend(with.items.iter().map(|item| &item.context_expr));
                walk_stmt(self, stmt);
            }
            _ => walk_stmt(self, stmt),
        }
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        match expr {
            Expr::Lambda(_) => {}
            Expr::Await(await_expr) => {
                self.awaited.push(&await_expr.value);
                walk_expr(self, expr);
            }
            _ => walk_expr(self, expr),
        }
    }
}
