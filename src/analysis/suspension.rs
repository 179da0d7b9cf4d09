//! Suspension points: the only places a `CancelledError` can be thrown into a task.

use ruff_python_ast::visitor::{walk_expr, walk_stmt, Visitor};
use ruff_python_ast::{Expr, Stmt};
use ruff_text_size::Ranged;

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
    /// `raise` statements with an exception (the code's own, outside nested functions).
    raises: Vec<&'a Stmt>,
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
    pub fn foreign_cancel_source(&self, names: &AsyncioNames, primitives: &Primitives) -> Option<&'a Expr> {
        let awaited = self.awaited.iter().copied().find(|expr| !raises_only_own_cancel(expr, names, primitives));
        awaited.or_else(|| {
            self.async_sources.iter().copied().find(|expr| match expr {
                Expr::Call(call) => !matches!(names.asyncio_member(&call.func), Some("timeout" | "timeout_at" | "TaskGroup")),
                // `async with lock:` of an asyncio lock, semaphore or condition.
                other => !primitives.is_lock(other),
            })
        })
    }

    /// A `raise CancelledError()` (of any library) of the code's own: a handler around it also
    /// catches this one, which no cancel of the task sent.
    pub fn raised_cancellation(&self, names: &AsyncioNames) -> Option<&'a Stmt> {
        self.raises.iter().copied().find(|stmt| {
            let Stmt::Raise(raise) = stmt else { return false };
            let class = match raise.exc.as_deref() {
                Some(Expr::Call(call)) => call.func.as_ref(),
                Some(other) => other,
                None => return false,
            };
            // `get_cancelled_exc_class()()` is a call of the class call.
            names.cancellation_class(class).is_some()
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
            // `wait_for(shield(t), n)` waits on `t` too.
            Some("wait_for" | "shield") => match call.arguments.args.first() {
                Some(inner @ Expr::Call(_)) => awaited_tasks(inner, names),
                first => Box::new(first.filter(|arg| is_reference(arg)).into_iter()),
            },
            Some("gather") if !returns_exceptions(call) => {
                Box::new(call.arguments.args.iter().filter(|arg| is_reference(arg)))
            }
            _ => Box::new(std::iter::empty()),
        },
        _ => Box::new(std::iter::empty()),
    }
}

/// `asyncio.sleep(...)`, `asyncio.wait(...)`, `wait_for` / `shield` of those, and a wait on
/// one of asyncio's own primitives (`queue.get()`, `event.wait()`, `lock.acquire()`): the
/// future such a wait suspends on is the primitive's own, which only this task's cancel
/// cancels.
fn raises_only_own_cancel(expr: &Expr, names: &AsyncioNames, primitives: &Primitives) -> bool {
    let Expr::Call(call) = expr else { return false };
    match names.asyncio_member(&call.func) {
        Some("sleep" | "wait") => true,
        Some("wait_for" | "shield") => call.arguments.args.first().is_some_and(|inner| raises_only_own_cancel(inner, names, primitives)),
        _ => match call.func.as_ref() {
            Expr::Attribute(method) => {
                let waits = matches!(method.attr.as_str(), "get" | "put" | "join" | "wait" | "wait_for" | "acquire");
                let made_here = matches!(method.value.as_ref(), Expr::Call(made) if primitive_kind(&made.func, names).is_some());
                waits && (made_here || primitives.is_primitive(&method.value))
            }
            _ => false,
        },
    }
}

/// The asyncio primitive a constructor or annotation names (`asyncio.Queue`, `Queue[int]`).
fn primitive_kind(expr: &Expr, names: &AsyncioNames) -> Option<&'static str> {
    let expr = match expr {
        Expr::Subscript(subscript) => &subscript.value,
        other => other,
    };
    const KINDS: &[&str] = &["Queue", "PriorityQueue", "LifoQueue", "Event", "Lock", "Condition", "Semaphore", "BoundedSemaphore"];
    let member = names.asyncio_member(expr)?;
    KINDS.iter().copied().find(|kind| *kind == member)
}

/// The references to asyncio's own primitives a function can see: its parameters annotated
/// with one (`queue: asyncio.Queue`), its locals made by one's constructor, and attributes of
/// `self` assigned one anywhere in the module (`self._stop = asyncio.Event()`).
#[derive(Debug, Default)]
pub struct Primitives {
    known: Vec<(String, &'static str)>,
}

impl Primitives {
    /// The `self.` attributes the module assigns a primitive, anywhere (found once per module).
    pub fn attributes_of(module: &[Stmt], names: &AsyncioNames, source: &str) -> Primitives {
        Primitives { known: assigned_primitives(module, names, source, true) }
    }

    /// What `function` can see: its annotated parameters and its locals, plus `attributes`.
    pub fn within(function: Option<&ruff_python_ast::StmtFunctionDef>, attributes: &Primitives, names: &AsyncioNames, source: &str) -> Self {
        let mut known = attributes.known.clone();
        if let Some(function) = function {
            for parameter in function.parameters.iter() {
                if let Some(kind) = parameter.annotation().and_then(|a| primitive_kind(a, names)) {
                    known.push((parameter.name().to_string(), kind));
                }
            }
            known.extend(assigned_primitives(&function.body, names, source, false));
        }
        Primitives { known }
    }

    fn kind(&self, expr: &Expr) -> Option<&'static str> {
        if !matches!(expr, Expr::Name(_) | Expr::Attribute(_)) {
            return None;
        }
        let text = expr_text(expr)?;
        self.known.iter().find(|(known, _)| *known == text).map(|(_, kind)| *kind)
    }

    fn is_primitive(&self, expr: &Expr) -> bool {
        self.kind(expr).is_some()
    }

    fn is_lock(&self, expr: &Expr) -> bool {
        matches!(self.kind(expr), Some("Lock" | "Condition" | "Semaphore" | "BoundedSemaphore"))
    }
}

/// Targets assigned one of the primitives' constructors in `body` (`self._stop =
/// asyncio.Event()`); with `attributes_only`, just the `self.` ones.
fn assigned_primitives(body: &[Stmt], names: &AsyncioNames, source: &str, attributes_only: bool) -> Vec<(String, &'static str)> {
    use ruff_python_ast::statement_visitor::{walk_stmt, StatementVisitor};
    struct Assignments<'n, 's> {
        names: &'n AsyncioNames,
        source: &'s str,
        attributes_only: bool,
        found: Vec<(String, &'static str)>,
    }
    impl<'a> StatementVisitor<'a> for Assignments<'_, '_> {
        fn visit_stmt(&mut self, stmt: &'a Stmt) {
            let (targets, value): (Vec<&Expr>, Option<&Expr>) = match stmt {
                Stmt::Assign(assign) => (assign.targets.iter().collect(), Some(&assign.value)),
                Stmt::AnnAssign(assign) => (vec![&assign.target], assign.value.as_deref()),
                _ => (Vec::new(), None),
            };
            let kind = value.and_then(|v| match v {
                Expr::Call(call) => primitive_kind(&call.func, self.names),
                _ => None,
            });
            if let Some(kind) = kind {
                for target in targets {
                    let text = &self.source[target.range()];
                    if !self.attributes_only || text.starts_with("self.") {
                        self.found.push((text.to_string(), kind));
                    }
                }
            }
            walk_stmt(self, stmt);
        }
    }
    let mut assignments = Assignments { names, source, attributes_only, found: Vec::new() };
    assignments.visit_body(body);
    assignments.found
}

/// `queue`, `self._queue`: the dotted text of a name or attribute chain.
fn expr_text(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Name(name) => Some(name.id.to_string()),
        Expr::Attribute(attribute) => Some(format!("{}.{}", expr_text(&attribute.value)?, attribute.attr)),
        _ => None,
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
            Stmt::Raise(raise) if raise.exc.is_some() => {
                self.raises.push(stmt);
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

    /// `[item async for item in stream]` suspends at every step, as an `async for` does.
    fn visit_comprehension(&mut self, comprehension: &'a ruff_python_ast::Comprehension) {
        if comprehension.is_async {
            self.async_blocks += 1;
            self.async_sources.push(&comprehension.iter);
        }
        ruff_python_ast::visitor::walk_comprehension(self, comprehension);
    }
}
