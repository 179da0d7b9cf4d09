//! CS301 unshielded-cleanup-await: an `await` in a `finally:` block (or in a handler that
//! catches the cancellation) can be cut short by a cancel that arrives while it runs, and a
//! cleanup that hangs keeps a cancelled task alive. The fix makes the block's cleanup awaits
//! one protected unit that runs in the same task and context: a cancel is held back until the
//! unit ends, then raised; once cancelled, the unit gets a bound.
//! The rule's page is `transforms/CS301-unshielded-cleanup-await/README.md`.

use ruff_diagnostics::Edit;
use ruff_python_ast::visitor::{walk_expr, walk_stmt, Visitor};
use ruff_python_ast::token::{Token, TokenKind, Tokens};
use ruff_python_ast::{CmpOp, ExceptHandler, ExceptHandlerExceptHandler, Expr, ExprContext, Number, PythonVersion, Stmt, StmtFunctionDef, StmtTry, StmtWith};
use ruff_text_size::{Ranged, TextRange, TextSize};

use super::{module_helper, reraise, Checker, Finding, Safety};
use crate::analysis::calls::{callee_name, LOG_METHODS};
use crate::analysis::{checkpoints, holds};
use crate::analysis::cleanup_calls::{cleanup_kind, CleanupKind};
use crate::analysis::names::{assigns_name, AsyncioNames, Catches, Library};
use crate::analysis::suspension::{awaited_tasks, SuspensionPoints};
use crate::edits::{with_safety, Snippet, Suite};
use crate::rules::Rule;

/// Where the cleanup runs.
#[derive(Clone, Copy)]
enum Place {
    Finally,
    CancelHandler,
    /// `except BaseExceptionGroup` under anyio or trio: the group may hold the scope's
    /// cancellation.
    GroupHandler,
    /// The body of `async def __aexit__` under anyio or trio: it runs in the scope the
    /// `async with` body was cancelled in.
    ContextExit,
}

/// A suspension in a cleanup block that the fix protects (or cannot).
struct Item<'a> {
    kind: ItemKind<'a>,
    /// The statement of the block's own suite that holds it.
    top: usize,
    /// The innermost statement that holds it.
    statement: Option<&'a Stmt>,
    /// The unit it already runs in: the name bound by an enclosing `with <helper>(…) as name:`.
    existing_unit: Option<String>,
    bound: Bound,
    /// Its name says it releases something ([`cleanup_bound`]); otherwise it is an await that
    /// can checkpoint in anyio or trio cleanup code ([`checkpointing_await`]).
    named: bool,
}

enum ItemKind<'a> {
    /// `await call(…)`: the operand, and the whole `await` expression.
    Await(&'a Expr, TextRange),
    /// `async with a, b:` entering and leaving are awaits too.
    AsyncWith(&'a StmtWith),
    /// `async for`: reported, not fixed.
    AsyncFor(TextRange),
}

/// How long a unit may run once its task is cancelled: the largest literal, and expressions
/// for bounds the code itself computes (`self.stop_timeout`).
#[derive(Clone, Debug, Default)]
struct Bound {
    seconds: f64,
    expressions: Vec<String>,
}

impl Bound {
    fn at_least(&mut self, other: &Bound) {
        self.seconds = self.seconds.max(other.seconds);
        for expression in &other.expressions {
            if !self.expressions.contains(expression) {
                self.expressions.push(expression.clone());
            }
        }
    }

    /// The helper's arguments: `5`, `60, self.stop_timeout`.
    fn arguments(&self) -> String {
        std::iter::once(format!("{}", self.seconds)).chain(self.expressions.iter().cloned()).collect::<Vec<_>>().join(", ")
    }
}

/// Every `try` in an async function: its `finally:` block and its handlers that catch the
/// cancellation, unless they sit inside a cleanup block of an enclosing `try` (that block's
/// unit covers them).
pub fn try_statement<'a>(checker: &mut Checker<'a>, stmt: &'a Stmt, try_stmt: &'a StmtTry) {
    if !matches!(enclosing_cleanup(checker, stmt), Enclosing::Nothing) {
        return;
    }
    let header = stmt.start();
    if !try_stmt.finalbody.is_empty() {
        unit(checker, Suite::new(header, &try_stmt.finalbody), Place::Finally);
    }
    for (handler, place) in cleanup_handlers(checker, try_stmt) {
        unit(checker, Suite::new(handler.start(), &handler.body), place);
    }
}

/// `async def __aexit__` of an async context manager, in anyio or trio code: its body is a
/// cleanup block like a `finally:`. (In asyncio code the exit runs after a cancel was delivered
/// once, and its awaits are judged where the manager is used.)
pub fn function<'a>(checker: &mut Checker<'a>, function: &'a StmtFunctionDef) {
    if is_context_exit(checker, function) {
        unit(checker, Suite::new(function.start(), &function.body), Place::ContextExit);
    }
}

fn is_context_exit(checker: &Checker, function: &StmtFunctionDef) -> bool {
    function.is_async && function.name.as_str() == "__aexit__" && checker.library().is_structured()
}

enum Enclosing {
    Nothing,
    /// Inside the cleanup block of an enclosing `try`, or under a shielding scope.
    Covered,
}

/// Whether the `try` being visited sits in cleanup code that an enclosing `try`'s unit
/// covers (or that a framework's shield already protects).
fn enclosing_cleanup(checker: &Checker, stmt: &Stmt) -> Enclosing {
    let mut child = stmt.range();
    for ancestor in checker.ancestors() {
        let within = |stmts: &[Stmt]| holds(stmts, child);
        match ancestor {
            Stmt::Try(outer) => {
                if within(&outer.finalbody) {
                    return Enclosing::Covered;
                }
                if within(&outer.body) && outer.handlers.iter().any(|h| catches_cancel(checker, h)) {
                    return Enclosing::Nothing;
                }
                if cleanup_handlers(checker, outer).iter().any(|(h, _)| h.range().contains_range(child)) {
                    return Enclosing::Covered;
                }
            }
            Stmt::With(with) if is_shielding_scope(with) => return Enclosing::Covered,
            Stmt::For(for_stmt) if for_stmt.is_async => return Enclosing::Nothing,
            Stmt::With(with) if with.is_async && is_shielded_unit(checker, with) => return Enclosing::Covered,
            Stmt::FunctionDef(function) if is_context_exit(checker, function) => return Enclosing::Covered,
            Stmt::FunctionDef(_) | Stmt::ClassDef(_) => return Enclosing::Nothing,
            _ => {}
        }
        child = ancestor.range();
    }
    Enclosing::Nothing
}

fn catches_cancel(checker: &Checker, handler: &ExceptHandler) -> bool {
    let ExceptHandler::ExceptHandler(handler) = handler;
    checker.names.catches(handler.type_.as_deref()) != Catches::Nothing
}

/// The handlers of `try_stmt` whose code may run in a cancelled scope: the first that catches
/// the cancellation, and, in anyio or trio code, one that catches an exception group
/// (`except BaseExceptionGroup`, or a broad `except BaseException` after the cancellation's
/// own handler): a nursery or task group raises the group with the scope's cancellation inside
/// it, and the handler's awaits then meet the cancel. In asyncio code a handler after the
/// cancellation's never sees it: asyncio's task groups leave cancelled children out of their
/// groups. A group handler does not catch a bare cancellation, so it guards no `try` body.
fn cleanup_handlers<'a>(checker: &Checker, try_stmt: &'a StmtTry) -> Vec<(&'a ExceptHandlerExceptHandler, Place)> {
    let mut cancel_taken = false;
    try_stmt.handlers.iter().filter_map(|handler| {
        let ExceptHandler::ExceptHandler(inner) = handler;
        let catches = checker.names.catches(inner.type_.as_deref());
        if !cancel_taken && catches != Catches::Nothing {
            cancel_taken = true;
            return Some((inner, Place::CancelHandler));
        }
        let group = checker.names.catches_group(inner.type_.as_deref()) || catches == Catches::Everything;
        (checker.library().is_structured() && group && !raises_cancel_part_first(checker, &inner.body)).then_some((inner, Place::GroupHandler))
    })
    .collect()
}

/// `cancelled, _ = group.split(trio.Cancelled)` then `if cancelled is not None: raise …`, before
/// the handler's first await: the awaits after it only run for a group without the cancellation.
fn raises_cancel_part_first(checker: &Checker, body: &[Stmt]) -> bool {
    let mut cancel_part: Option<&str> = None;
    for stmt in body {
        match stmt {
            Stmt::Assign(_) => {
                if let Some(part) = checker.names.binds_cancel_part(stmt) {
                    cancel_part = Some(part);
                }
            }
            Stmt::If(test) if test.elif_else_clauses.is_empty() && matches!(test.body.last(), Some(Stmt::Raise(_))) => {
                let tests_part = match test.test.as_ref() {
                    Expr::Name(name) => Some(name.id.as_str()),
                    Expr::Compare(compare) if matches!(compare.ops.as_ref(), [CmpOp::IsNot]) && compare.comparators.first().is_some_and(Expr::is_none_literal_expr) => {
                        compare.left.as_name_expr().map(|name| name.id.as_str())
                    }
                    _ => None,
                };
                if tests_part.is_some() && tests_part == cancel_part {
                    return true;
                }
            }
            _ => {}
        }
        if SuspensionPoints::of(std::slice::from_ref(stmt)).any() {
            return false;
        }
    }
    false
}

/// One cleanup block: its items, one finding each, and the fix they share.
fn unit<'a>(checker: &mut Checker<'a>, suite: Suite<'a>, place: Place) {
    let library = checker.library();
    let helper = if library.is_structured() { None } else { existing_helper(checker) };
    // Under anyio or trio any checkpoint in a cleanup block raises once the scope is cancelled,
    // whatever the call is named: each such await is reported.
    let any_checkpoint = library.is_structured();
    let mut collector = Collector {
        checker,
        helper: helper.as_deref(),
        any_checkpoint,
        items: Vec::new(),
        top: 0,
        statement: None,
        units: Vec::new(),
        timeouts: Vec::new(),
    };
    for (top, stmt) in suite.stmts.iter().enumerate() {
        collector.top = top;
        collector.visit_stmt(stmt);
    }
    let items = collector.items;
    if items.is_empty() {
        return;
    }
    let mut fix = match library.is_structured() {
        true => UnitFix::shielded(checker, suite, &items, library),
        false => UnitFix::new(checker, suite, &items, helper),
    };
    if let Some(reason) = unnamed_only(checker, &items) {
        fix.safety = Safety::unsafe_because(reason);
    }
    if library.is_structured() && fix.refusal.is_none() {
        fix.refusal = outdated_release(checker, library);
    }
    if let Some(reason) = mixed_libraries(checker, library) {
        fix.safety = fix.safety.clone().and(Safety::Unsafe(reason));
    }
    let place_text = match place {
        Place::Finally => "in a `finally:` block",
        Place::CancelHandler => "in a handler that catches the cancellation",
        Place::GroupHandler => "in a handler of an exception group that may hold the cancellation",
        Place::ContextExit => "in `__aexit__`",
    };
    let consequence = match library.is_structured() {
        true => "once its scope is cancelled, its first checkpoint raises the cancellation again and cuts it short",
        false => "a cancel that arrives meanwhile cuts it short, and if it hangs the task never ends",
    };
    for item in &items {
        let (range, what) = match &item.kind {
            ItemKind::Await(_, range) if item.named => (*range, "cleanup awaited"),
            ItemKind::Await(_, range) => (*range, "`await`"),
            ItemKind::AsyncWith(with) => (TextRange::new(with.start(), with.items.last().map_or(with.start(), Ranged::end)), "`async with`"),
            ItemKind::AsyncFor(header) => (*header, "`async for`"),
        };
        let (fix, reason) = match (&item.kind, &fix.refusal) {
            (_, Some(why)) if library.is_structured() => (None, Some(why.clone())),
            // The shielded scope covers the items as they are, an `async for` too.
            (_, None) if library.is_structured() => with_safety(fix.shared.clone(), checker.safety(fix.safety.clone())),
            (ItemKind::AsyncFor(_), _) => {
                (None, Some("an `async for` cannot be protected as one unit: move the loop into an `async def` and protect the call".to_string()))
            }
            (_, Some(why)) => (None, Some(why.clone())),
            (_, None) => {
                let mut edits = fix.shared.clone();
                edits.extend(fix.wrap(checker, item));
                with_safety(edits, checker.safety(fix.safety.clone()))
            }
        };
        checker.report(Finding {
            rule: Rule::UnshieldedCleanupAwait,
            message: format!("{what} {place_text} is not shielded: {consequence}"),
            range,
            fix,
            reason,
        });
    }
}

/// Why the fix is unsafe in a module whose code uses asyncio beside anyio or trio: its
/// functions may be cancelled either way, by `task.cancel()` or by a cancel scope, whatever
/// their own code names (a function that calls `asyncio.wait_for` runs under its caller's anyio
/// scope), and each helper holds back only one of the two (asyncio's does not hold an anyio
/// scope's cancel; anyio's shield does not hold a native `task.cancel()`; both checked at run time
/// in the fifth review).
fn mixed_libraries(checker: &Checker, library: Library) -> Option<String> {
    let libraries = checker.names.libraries();
    let structured = libraries.iter().find(|l| l.is_structured())?;
    if !libraries.contains(&Library::Asyncio) {
        return None;
    }
    // Both must be used, not only imported (`from asyncio import iscoroutinefunction`).
    let named = checker.libraries_named_in_module();
    if !(named.contains(&Library::Asyncio) && named.contains(structured)) {
        return None;
    }
    let follows = match checker.library_named() {
        Some(_) => "what this function names",
        None => "the module's (this function names neither)",
    };
    Some(format!(
        "the module uses both {} and {}: the fix follows {}, {follows}, and does not hold back a cancel that comes the other way ({})",
        Library::Asyncio.module(),
        structured.module(),
        library.module(),
        if library.is_structured() { "a native `task.cancel()`" } else { "a cancel scope's cancel" }
    ))
}

/// Why a block whose awaits are none of them named as a cleanup gets an unsafe fix: the
/// shield makes a cancelled scope wait for them, which only their author can judge.
fn unnamed_only(checker: &Checker, items: &[Item]) -> Option<String> {
    if items.iter().any(|item| item.named) {
        return None;
    }
    let first = items.iter().find_map(|item| match &item.kind {
        ItemKind::Await(Expr::Call(call), _) => Some(format!("`{}(…)`", checker.editor.one_line(call.func.as_ref()))),
        _ => None,
    })?;
    Some(format!(
        "{first} is not named as a cleanup: shielded, a cancelled scope waits for it (up to {} s) before the cancellation goes on; apply it if the call must finish",
        items.iter().map(|item| item.bound.seconds).fold(0.0, f64::max)
    ))
}

/// Walks one cleanup block for the suspensions to protect.
struct Collector<'c, 'a> {
    checker: &'c Checker<'a>,
    helper: Option<&'c str>,
    /// Report every await that can checkpoint, not only the named cleanups (anyio, trio).
    any_checkpoint: bool,
    items: Vec<Item<'a>>,
    top: usize,
    /// The statement being visited.
    statement: Option<&'a Stmt>,
    /// Names bound by enclosing `with <helper>(…) as name:` blocks.
    units: Vec<String>,
    /// Bounds of enclosing `async with asyncio.timeout(…)` blocks.
    timeouts: Vec<Bound>,
}

impl<'a> Collector<'_, 'a> {
    fn push(&mut self, kind: ItemKind<'a>, bound: Bound) {
        self.push_item(kind, bound, true);
    }

    fn push_item(&mut self, kind: ItemKind<'a>, mut bound: Bound, named: bool) {
        for timeout in &self.timeouts {
            bound.at_least(timeout);
        }
        let existing_unit = self.units.last().cloned();
        self.items.push(Item { kind, top: self.top, statement: self.statement, existing_unit, bound, named });
    }

    /// The name of the unit a `with` item opens: `with _ProtectedCleanup(5) as cleanup:`.
    fn opened_unit(&self, with: &StmtWith) -> Option<String> {
        let helper = self.helper?;
        with.items.iter().find_map(|item| match (&item.context_expr, item.optional_vars.as_deref()) {
            (Expr::Call(call), Some(Expr::Name(name))) if matches!(call.func.as_ref(), Expr::Name(f) if f.id.as_str() == helper) => {
                Some(name.id.to_string())
            }
            _ => None,
        })
    }

    /// `cleanup(x)` or `cleanup.context(x)` of a unit in scope: already protected.
    fn is_protected(&self, expr: &Expr) -> bool {
        let Expr::Call(call) = expr else { return false };
        let unit = match call.func.as_ref() {
            Expr::Name(name) => name.id.as_str(),
            Expr::Attribute(attribute) if attribute.attr.as_str() == "context" => match attribute.value.as_ref() {
                Expr::Name(name) => name.id.as_str(),
                _ => return false,
            },
            _ => return false,
        };
        self.units.iter().any(|name| name == unit)
    }
}

impl<'a> Visitor<'a> for Collector<'_, 'a> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        let outer = self.statement.replace(stmt);
        self.visit_statement(stmt);
        self.statement = outer;
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        match expr {
            Expr::Lambda(_) => {}
            Expr::Await(await_expr) => {
                if !self.is_protected(&await_expr.value) {
                    let kind = ItemKind::Await(&await_expr.value, await_expr.range());
                    if let Some(bound) = cleanup_bound(self.checker, &await_expr.value) {
                        self.push(kind, bound);
                    } else if self.any_checkpoint && checkpointing_await(self.checker, &await_expr.value) {
                        self.push_item(kind, Bound { seconds: self.checker.settings.cleanup_timeout, expressions: Vec::new() }, false);
                    }
                }
                walk_expr(self, expr);
            }
            _ => walk_expr(self, expr),
        }
    }
}

impl<'a> Collector<'_, 'a> {
    fn visit_statement(&mut self, stmt: &'a Stmt) {
        match stmt {
            Stmt::FunctionDef(_) | Stmt::ClassDef(_) => {}
            Stmt::Try(try_stmt) => {
                // A nested `try` whose handler catches the cancellation guards its own body.
                if !try_stmt.handlers.iter().any(|h| catches_cancel(self.checker, h)) {
                    self.visit_body(&try_stmt.body);
                }
                for ExceptHandler::ExceptHandler(handler) in &try_stmt.handlers {
                    self.visit_body(&handler.body);
                }
                self.visit_body(&try_stmt.orelse);
                self.visit_body(&try_stmt.finalbody);
            }
            Stmt::With(with) if is_shielding_scope(with) || is_shielded_unit(self.checker, with) => {}
            // `with anyio.fail_after(10):` bounds the awaits inside, and is no cleanup of its own.
            Stmt::With(with) if !with.is_async && is_scope_timeout(self.checker, with) => {
                let mut bound = Bound::default();
                for item in &with.items {
                    if let Expr::Call(call) = &item.context_expr {
                        if let Some(arg) = call.arguments.args.first().or(call.arguments.find_keyword("delay").or(call.arguments.find_keyword("seconds")).map(|k| &k.value)) {
                            bound.at_least(&self.stated_bound(arg));
                        }
                    }
                }
                self.timeouts.push(bound);
                walk_stmt(self, stmt);
                self.timeouts.pop();
            }
            Stmt::With(with) if with.is_async && is_timeout_block(self.checker, with) => {
                let mut bound = Bound::default();
                for item in &with.items {
                    if let Expr::Call(call) = &item.context_expr {
                        if let Some(arg) = call.arguments.args.first().or(call.arguments.find_keyword("delay").map(|k| &k.value)) {
                            bound.at_least(&self.stated_bound(arg));
                        }
                    }
                }
                self.timeouts.push(bound);
                walk_stmt(self, stmt);
                self.timeouts.pop();
            }
            Stmt::With(with) if with.is_async => {
                let protected = with.items.iter().all(|item| self.is_protected(&item.context_expr));
                if !protected {
                    let bound = Bound { seconds: self.checker.settings.cleanup_timeout, expressions: Vec::new() };
                    self.push(ItemKind::AsyncWith(with), bound);
                }
                walk_stmt(self, stmt);
            }
            Stmt::With(with) => match self.opened_unit(with) {
                Some(name) => {
                    self.units.push(name);
                    walk_stmt(self, stmt);
                    self.units.pop();
                }
                None => walk_stmt(self, stmt),
            },
            Stmt::For(for_stmt) if for_stmt.is_async => {
                self.push(ItemKind::AsyncFor(TextRange::new(for_stmt.start(), for_stmt.iter.end())), Bound::default());
            }
            _ => walk_stmt(self, stmt),
        }
    }
}

impl Collector<'_, '_> {
    fn stated_bound(&self, expr: &Expr) -> Bound {
        existing_bound(self.checker, expr)
    }
}

/// A bound the code states (`5`, `self.stop_timeout`); `None` and anything else count as none.
fn existing_bound(checker: &Checker, expr: &Expr) -> Bound {
    match expr {
        Expr::NumberLiteral(number) => match &number.value {
            Number::Int(int) => Bound { seconds: int.as_u64().map_or(0.0, |n| n as f64), expressions: Vec::new() },
            Number::Float(float) => Bound { seconds: *float, expressions: Vec::new() },
            Number::Complex { .. } => Bound::default(),
        },
        Expr::Attribute(_) | Expr::Name(_) if is_plain_reference(expr) => {
            Bound { seconds: 0.0, expressions: vec![checker.editor.one_line(expr)] }
        }
        _ => Bound::default(),
    }
}

/// `self.stop_timeout`, `timeout`: read again when the unit starts, with no side effects.
fn is_plain_reference(expr: &Expr) -> bool {
    match expr {
        Expr::Name(name) => name.ctx == ExprContext::Load && name.id.as_str() != "None",
        Expr::Attribute(attribute) => is_plain_reference(&attribute.value),
        _ => false,
    }
}

/// If `awaited` is a cleanup worth protecting, the bound it gets: not already shielded, not
/// a delay (`asyncio.sleep`), not a wait for tasks that exist already (CS104 and CS103 judge
/// those), and a call whose name says it releases something.
fn cleanup_bound(checker: &Checker, awaited: &Expr) -> Option<Bound> {
    let Expr::Call(call) = awaited else { return None };
    if not_to_protect(checker, awaited) {
        return None;
    }
    match checker.names.asyncio_member(&call.func) {
        Some("sleep") => None,
        // `wait_for(x.close(), 10)`: the cleanup keeps its own bound, and gets no shorter one.
        Some("wait_for") => {
            let mut bound = cleanup_bound(checker, call.arguments.args.first()?)?;
            if let Some(timeout) = call.arguments.args.get(1).or(call.arguments.find_keyword("timeout").map(|k| &k.value)) {
                bound.at_least(&existing_bound(checker, timeout));
            }
            Some(bound)
        }
        Some("gather") => {
            let mut bound: Option<Bound> = None;
            for arg in &call.arguments.args {
                // `gather(*(bot.close() for bot in bots))`: the calls a comprehension makes.
                let arg = match arg {
                    Expr::Starred(starred) => match starred.value.as_ref() {
                        Expr::Generator(generator) => generator.elt.as_ref(),
                        Expr::ListComp(list) => list.elt.as_ref(),
                        other => other,
                    },
                    other => other,
                };
                if let Some(one) = cleanup_bound(checker, arg) {
                    bound.get_or_insert_with(Bound::default).at_least(&one);
                }
            }
            bound
        }
        Some(_) => None,
        None => {
            let named = |func: &Expr| match func {
                Expr::Attribute(method) => cleanup_kind(method.attr.as_str(), checker.editor.text(method.value.as_ref())),
                Expr::Name(function) => cleanup_kind(function.id.as_str(), ""),
                _ => None,
            };
            // `outcome.acapture(close_connection, conn)`, `to_thread.run_sync(sock.close)`: a
            // call that runs the cleanup function it is handed.
            let handed = call.arguments.args.first().filter(|arg| matches!(arg, Expr::Name(_) | Expr::Attribute(_)));
            let (kind, func) = match (named(call.func.as_ref()), handed) {
                (Some(kind), _) => (kind, call.func.as_ref()),
                (None, Some(handed)) => (named(handed)?, handed),
                (None, None) => return None,
            };
            let settings = checker.settings;
            let configured = configured_bound(settings, func);
            let seconds = configured.unwrap_or(match kind {
                CleanupKind::Release => settings.cleanup_timeout,
                CleanupKind::Shutdown => settings.shutdown_timeout,
            });
            let mut bound = Bound { seconds, expressions: Vec::new() };
            // `close(timeout=10)`: the call bounds itself. Such an argument may be a library's
            // own object (aiohttp's `ClientTimeout`): the helper ignores what is not a number.
            if let Some(keyword) = call.arguments.find_keyword("timeout") {
                bound.at_least(&existing_bound(checker, &keyword.value));
            }
            Some(bound)
        }
    }
}

/// Awaits that are no cleanup of this block to protect, whatever their name: already
/// shielded, a wait for tasks that exist already (CS104 and CS103 judge those), one that can
/// never checkpoint, a forced close, another manager's exit handed on.
fn not_to_protect(checker: &Checker, awaited: &Expr) -> bool {
    let Expr::Call(call) = awaited else { return true };
    if mentions_shield(checker, awaited) {
        return true;
    }
    if awaited_tasks(awaited, &checker.names).next().is_some() || waits_for_existing_tasks(checker, call) {
        return true;
    }
    if protects_itself(checker, awaited) {
        return true;
    }
    // `trio.aclose_forcefully(stream)` closes under a cancel scope it cancels itself: it is
    // made to run in a cancelled scope, and a shield would only make it graceful.
    if matches!(checker.names.member(&call.func), Some((library, "aclose_forcefully")) if library.is_structured()) {
        return true;
    }
    // Handing on another manager's exit is judged where that manager is written, and under a
    // cancel scope it must not be wrapped at all (see `forwarded_exit`).
    checker.library().is_structured() && forwarded_exit(checker, awaited)
}

/// An await that needs no protection of its own: an anyio memory stream's `aclose()`, or a
/// callee of the module or project that only makes such awaits (nothing there can be cut short
/// or hang); in anyio or trio code a callee that shields itself with a cancel scope (safe from
/// the scopes' cancels, not from a native `task.cancel()`); a call that says it shields itself.
fn protects_itself(checker: &Checker, awaited: &Expr) -> bool {
    let place = checkpoints::Place { module: &checker.parsed.syntax().body, parents: checker.parents(), project: checker.project };
    let shields_itself = checker.library().is_structured() && checkpoints::shields_itself(&checker.names, place, awaited);
    checkpoints::never_checkpoints(&checker.names, place, awaited) || shields_itself || checkpoints::named_for_shielding(awaited)
}

/// Calls that checkpoint without being a cleanup of the block: a delay or an explicit
/// checkpoint (`trio.sleep(0)`, `lowlevel.checkpoint()`), a log line, a value or an exception
/// handed into an async generator (`agen.athrow(exc)`: the generator's own code decides).
const NOT_CLEANUP_CALLS: &[&str] =
    &["sleep", "sleep_until", "sleep_forever", "checkpoint", "checkpoint_if_cancelled", "cancel_shielded_checkpoint", "athrow", "asend"];

/// In anyio or trio cleanup code, an await whose name says nothing of cleanup (`await
/// send(None)`, `await proc.wait()`) still raises at its checkpoint once the scope is
/// cancelled, and what it does is skipped: it is reported, with an unsafe fix (only its author
/// knows whether a cancelled task should wait for it).
fn checkpointing_await(checker: &Checker, awaited: &Expr) -> bool {
    let Expr::Call(call) = awaited else { return false };
    !not_to_protect(checker, awaited) && !callee_name(&call.func).is_some_and(|name| NOT_CLEANUP_CALLS.contains(&name) || LOG_METHODS.contains(&name))
}

/// The bound `cleanup-timeouts` gives a call whose dotted name ends with a pattern's parts.
fn configured_bound(settings: &crate::settings::Settings, func: &Expr) -> Option<f64> {
    let mut parts = Vec::new();
    let mut expr = func;
    loop {
        match expr {
            Expr::Attribute(attribute) => {
                parts.push(attribute.attr.as_str().trim_start_matches('_'));
                expr = attribute.value.as_ref();
            }
            Expr::Name(name) => {
                parts.push(name.id.as_str().trim_start_matches('_'));
                break;
            }
            _ => break,
        }
    }
    parts.reverse();
    settings
        .cleanup_timeouts
        .iter()
        .filter(|(pattern, _)| parts.ends_with(&pattern.iter().map(String::as_str).collect::<Vec<_>>()))
        .max_by_key(|(pattern, _)| pattern.len())
        .map(|(_, seconds)| *seconds)
}

fn mentions_shield(checker: &Checker, awaited: &Expr) -> bool {
    struct Mentions<'n> {
        names: &'n crate::analysis::names::AsyncioNames,
        shielded: bool,
    }
    impl<'a> Visitor<'a> for Mentions<'_> {
        fn visit_expr(&mut self, expr: &'a Expr) {
            if let Expr::Call(call) = expr {
                self.shielded |= self.names.asyncio_member(&call.func) == Some("shield");
            }
            walk_expr(self, expr);
        }
    }
    let mut mentions = Mentions { names: &checker.names, shielded: false };
    mentions.visit_expr(awaited);
    mentions.shielded
}

/// `async with asyncio.timeout(...)`: entering and leaving it does not suspend, so it is no
/// cleanup of its own; it bounds the awaits inside.
fn is_timeout_block(checker: &Checker, with: &StmtWith) -> bool {
    with.items.iter().all(|item| {
        matches!(&item.context_expr, Expr::Call(call) if matches!(checker.names.asyncio_member(&call.func), Some("timeout" | "timeout_at")))
    })
}

/// `asyncio.gather(*tasks, return_exceptions=True)`, `asyncio.wait([t])`: teardown waiting for
/// tasks that exist already (often just cancelled), not a cleanup of its own.
fn waits_for_existing_tasks(checker: &Checker, call: &ruff_python_ast::ExprCall) -> bool {
    fn existing(expr: &Expr) -> bool {
        match expr {
            Expr::Name(_) | Expr::Attribute(_) | Expr::Subscript(_) => true,
            Expr::Starred(starred) => existing(&starred.value),
            Expr::List(list) => list.elts.iter().all(existing),
            Expr::Set(set) => set.elts.iter().all(existing),
            Expr::Tuple(tuple) => tuple.elts.iter().all(existing),
            // `tasks.values()`, `list(tasks)`: the same tasks in another container.
            Expr::Call(call) if call.arguments.keywords.is_empty() => match (call.func.as_ref(), call.arguments.args.as_ref()) {
                (Expr::Attribute(method), []) => method.attr.as_str() == "values" && existing(&method.value),
                (Expr::Name(builtin), [only]) => matches!(builtin.id.as_str(), "list" | "set" | "tuple") && existing(only),
                _ => false,
            },
            _ => false,
        }
    }
    let args = &call.arguments.args;
    match checker.names.asyncio_member(&call.func) {
        Some("gather") => !args.is_empty() && args.iter().all(existing),
        // `wait(aws, timeout=…)`, `wait_for(aw, timeout)`: only the first argument is awaited.
        Some("wait" | "wait_for") => args.first().is_some_and(existing),
        _ => false,
    }
}

/// `await self._nursery.__aexit__(*exc_info)`, `await self._exit_stack.aclose()`: the exit of
/// a manager entered before this block. It may close cancel scopes or task groups opened
/// outside the block, which must close in the reverse order of their opening: a new cancel
/// scope around it would be closed after them.
fn forwarded_exit(checker: &Checker, awaited: &Expr) -> bool {
    let Expr::Call(call) = awaited else { return false };
    let Some(name) = callee_name(&call.func) else { return false };
    let receiver = match call.func.as_ref() {
        Expr::Attribute(method) => checker.editor.text(method.value.as_ref()).to_ascii_lowercase(),
        _ => String::new(),
    };
    name.split('_').any(|word| word == "aexit") || (name == "aclose" && receiver.contains("stack"))
}

/// The statement of `stmt` (itself or one nested in it) that awaits a [`forwarded_exit`].
fn forwarded_exit_in<'s>(checker: &Checker, stmt: &'s Stmt) -> Option<&'s Stmt> {
    struct Finder<'c, 'a, 's> {
        checker: &'c Checker<'a>,
        current: Option<&'s Stmt>,
        found: Option<&'s Stmt>,
    }
    impl<'s> Visitor<'s> for Finder<'_, '_, 's> {
        fn visit_stmt(&mut self, stmt: &'s Stmt) {
            if self.found.is_none() && !matches!(stmt, Stmt::FunctionDef(_) | Stmt::ClassDef(_)) {
                let outer = self.current.replace(stmt);
                walk_stmt(self, stmt);
                self.current = outer;
            }
        }
        fn visit_expr(&mut self, expr: &'s Expr) {
            if let Expr::Await(await_expr) = expr {
                if self.found.is_none() && forwarded_exit(self.checker, &await_expr.value) {
                    self.found = self.current;
                }
            }
            if !matches!(expr, Expr::Lambda(_)) {
                walk_expr(self, expr);
            }
        }
    }
    let mut finder = Finder { checker, current: None, found: None };
    finder.visit_stmt(stmt);
    finder.found
}

/// `with anyio.fail_after(10):`, `trio.move_on_after(10)`: a cancel scope with a deadline.
fn is_scope_timeout(checker: &Checker, with: &StmtWith) -> bool {
    with.items.iter().all(|item| {
        matches!(&item.context_expr, Expr::Call(call) if matches!(checker.names.member(&call.func),
            Some((library, "fail_after" | "move_on_after")) if library.is_structured()))
    })
}

/// `async with _ShieldedCleanup(5):`, the unit of an earlier run.
fn is_shielded_unit(checker: &Checker, with: &StmtWith) -> bool {
    let Some(helper) = existing_shielded_helper(checker) else { return false };
    with.items.iter().any(|item| matches!(&item.context_expr, Expr::Call(call) if matches!(call.func.as_ref(), Expr::Name(n) if n.id.as_str() == helper)))
}

/// `with anyio.CancelScope(shield=True):`, `with move_on_after(5, shield=True):`, or `with
/// move_on_after(5) as scope:` whose body sets `scope.shield = True` before its first
/// suspension point: the cleanup is already shielded by the framework's own cancel scope
/// (anyio, trio).
fn is_shielding_scope(with: &StmtWith) -> bool {
    let given = with.items.iter().any(|item| {
        matches!(&item.context_expr, Expr::Call(call) if call
            .arguments
            .find_keyword("shield")
            .is_some_and(|keyword| !matches!(&keyword.value, Expr::BooleanLiteral(b) if !b.value)))
    });
    let scopes: Vec<&str> = with.items.iter().filter_map(|item| item.optional_vars.as_deref()?.as_name_expr()).map(|n| n.id.as_str()).collect();
    let set_later = with
        .body
        .iter()
        .take_while(|stmt| !SuspensionPoints::of(std::slice::from_ref(*stmt)).any())
        .any(|stmt| matches!(stmt, Stmt::Assign(assign)
            if matches!(assign.value.as_ref(), Expr::BooleanLiteral(b) if b.value)
                && assign.targets.iter().any(|target| matches!(target, Expr::Attribute(a)
                    if a.attr.as_str() == "shield" && matches!(a.value.as_ref(), Expr::Name(n) if scopes.contains(&n.id.as_str()))))));
    given || set_later
}

/// The fix of one cleanup block: the edits every finding of the block shares (the helper,
/// the `with` block around the statements that hold the items), and its verdict.
struct UnitFix {
    shared: Vec<Edit>,
    /// The name the unit is bound to.
    name: String,
    safety: Safety,
    /// Why the block gets no fix, if it gets none.
    refusal: Option<String>,
    /// The statements of the block's suite (first, last) the new unit nests one level deeper.
    nested: Option<(usize, usize)>,
}

impl UnitFix {
    fn new(checker: &Checker, suite: Suite, items: &[Item], helper: Option<String>) -> Self {
        let fixable: Vec<&Item> = items.iter().filter(|item| !matches!(item.kind, ItemKind::AsyncFor(_))).collect();
        let new: Vec<&&Item> = fixable.iter().filter(|item| item.existing_unit.is_none()).collect();
        let name = new
            .first()
            .map(|_| checker.fresh_name("cleanup"))
            .or_else(|| fixable.first().and_then(|item| item.existing_unit.clone()))
            .unwrap_or_default();
        let mut fix = UnitFix { shared: Vec::new(), name, safety: verdict(checker), refusal: None, nested: None };
        let (Some(first), Some(last)) = (new.iter().map(|i| i.top).min(), new.iter().map(|i| i.top).max()) else {
            return fix;
        };
        let span = &suite.stmts[first..=last];
        if span.iter().any(contains_yield) {
            fix.refusal = Some("the cleanup block yields: a unit cannot span a `yield`".to_string());
            return fix;
        }
        // An await of the block that is no cleanup stays bare inside the unit: a cancel there
        // still cuts the block short, and the cleanups after it are skipped. It is not wrapped
        // too: a wait that is no cleanup may be the code's own timeout (a self-cancel the unit
        // would hold back), a generator-based coroutine the helper cannot drive, or a lazy
        // generator expression that outlives the unit (the seventh review's runtime checks).
        let bare = SuspensionPoints::of(span)
            .awaited
            .into_iter()
            .find(|operand| !items.iter().any(|item| matches!(item.kind, ItemKind::Await(item_operand, _) if std::ptr::eq(item_operand, *operand))));
        if let Some(operand) = bare {
            let line = crate::source::position_of(checker.source(), operand.start()).line;
            fix.safety = fix.safety.clone().and(Safety::Unsafe(format!(
                "the block also awaits `{}` (line {line}), which the fix leaves unprotected: a cancel there still cuts the block short and skips the cleanups after it",
                checker.editor.short(operand)
            )));
        }
        let mut bound = Bound::default();
        for item in &new {
            bound.at_least(&item.bound);
        }
        bound.expressions.retain(|expression| !assigned_in(span, expression));
        let (class, mut edits) = match helper {
            Some(class) => (class, Vec::new()),
            None => insert_helper(checker),
        };
        let header = format!("with {class}({}) as {}:", bound.arguments(), fix.name);
        // The statements whose wraps lay them out one level deeper (an item of an earlier
        // run's unit in the span too).
        fix.nested = Some((first, last));
        let owned: Vec<TextRange> = fixable
            .iter()
            .filter(|item| fix.nests(item))
            .filter_map(|item| match (&item.kind, item.statement) {
                (ItemKind::Await(operand, _), Some(statement)) => {
                    checker.editor.wraps_whole_statement(statement, operand.range()).then(|| statement.range())
                }
                (ItemKind::AsyncWith(with), _) => Some(checker.editor.with_header(with)),
                _ => None,
            })
            .collect();
        edits.extend(checker.editor.nest(suite, &span[0], &span[span.len() - 1], &header, &owned));
        fix.shared = edits;
        fix
    }

    /// The anyio / trio form: the block's statements from the first cleanup to the last nested
    /// in `async with _ShieldedCleanup(T):`, a shielded cancel scope in the same task that gets
    /// its deadline only once the task is cancelled. The items need no edits of their own.
    fn shielded(checker: &Checker, suite: Suite, items: &[Item], library: Library) -> Self {
        let mut fix = UnitFix { shared: Vec::new(), name: String::new(), safety: Safety::Safe, refusal: None, nested: None };
        let (Some(first), Some(last)) = (items.iter().map(|i| i.top).min(), items.iter().map(|i| i.top).max()) else { return fix };
        // Under a cancelled scope any checkpoint before the first cleanup (`await send(b"BYE")`)
        // raises and skips it too: the unit starts at the block's first suspension point.
        let first = suite.stmts[..first].iter().position(|s| SuspensionPoints::of(std::slice::from_ref(s)).any()).unwrap_or(first);
        let last = unit_end(checker, suite, last);
        let span = &suite.stmts[first..=last];
        if span.iter().any(contains_yield) {
            fix.refusal = Some("the cleanup block yields: a cancel scope cannot span a `yield` (its scope would hold the consumer's code)".to_string());
            return fix;
        }
        if let Some(exit) = span.iter().find_map(|stmt| forwarded_exit_in(checker, stmt)) {
            fix.refusal = Some(format!(
                "the block also hands on an exit, {}, which may close cancel scopes or task groups opened before it: a cancel scope around it would break their nesting (anyio and trio raise RuntimeError); shield the cleanups before it by hand",
                checker.describe_statement(exit)
            ));
            return fix;
        }
        let mut bound = Bound::default();
        for item in items {
            bound.at_least(&item.bound);
        }
        bound.expressions.retain(|expression| !assigned_in(span, expression));
        let (class, mut edits) = match existing_shielded_helper(checker) {
            Some(class) => (class, Vec::new()),
            None => insert_shielded_helper(checker, library),
        };
        let header = format!("async with {class}({}):", bound.arguments());
        edits.extend(checker.editor.nest(suite, &span[0], &span[span.len() - 1], &header, &[]));
        fix.shared = edits;
        fix
    }

    /// Does the unit's new block nest `item` one level deeper?
    fn nests(&self, item: &Item) -> bool {
        self.nested.is_some_and(|(first, last)| (first..=last).contains(&item.top))
    }

    /// The edits that hand one item to the unit, laid out where the unit's new block nests
    /// them one level deeper.
    fn wrap(&self, checker: &Checker, item: &Item) -> Vec<Edit> {
        let name = item.existing_unit.as_deref().unwrap_or(&self.name);
        let depth = usize::from(self.nests(item));
        match &item.kind {
            ItemKind::Await(operand, _) => checker.editor.wrap_in_call(operand.range(), name, item.statement, depth),
            ItemKind::AsyncWith(with) => checker.editor.wrap_with_items(with, &format!("{name}.context"), depth),
            ItemKind::AsyncFor(_) => Vec::new(),
        }
    }
}

/// Where a shielded unit whose last cleanup is `suite.stmts[last]` ends: past the statements
/// after it whose every suspension point is an await that needs no protection of its own (a
/// callee that shields itself, `await release_slot()`, or that never checkpoints), short of a
/// `yield` or a handed-on exit. The unit's exit raises the cancellation it held back, which would
/// skip them, where they would have run. Any other wait after the last cleanup (a delay, an
/// `async for`) stays outside: inside, it would hold the cancellation with no bound when no
/// deadline is set (the seventh review's runtime checks).
fn unit_end(checker: &Checker, suite: Suite, last: usize) -> usize {
    let needs_no_protection = |stmt: &Stmt| {
        let points = SuspensionPoints::of(std::slice::from_ref(stmt));
        points.async_blocks == 0 && points.awaited.iter().all(|awaited| protects_itself(checker, awaited))
    };
    suite.stmts[last + 1..]
        .iter()
        .take_while(|stmt| !contains_yield(stmt) && forwarded_exit_in(checker, stmt).is_none() && needs_no_protection(stmt))
        .enumerate()
        .filter(|(_, stmt)| SuspensionPoints::of(std::slice::from_ref(*stmt)).any())
        .last()
        .map_or(last, |(at, _)| last + 1 + at)
}

/// Safe from 3.11 on: with no cancel, the awaits run exactly as before, in the same task and
/// context, unbounded. Before 3.11 a task keeps no count of the cancels requested, so a cancel
/// the cleanup's own code requests and takes back cannot be told from an outside one.
fn verdict(checker: &Checker) -> Safety {
    if checker.target_at_least(PythonVersion::PY311) {
        Safety::Safe
    } else {
        Safety::unsafe_because(
            "on Python 3.8-3.10 a task keeps no count of its cancels: if the cleanup cancels its own task (an `async_timeout` block inside it), that cancel is held back like an outside one and raised when the cleanup ends",
        )
    }
}

fn contains_yield(stmt: &Stmt) -> bool {
    struct Yields(bool);
    impl<'a> Visitor<'a> for Yields {
        fn visit_stmt(&mut self, stmt: &'a Stmt) {
            if !matches!(stmt, Stmt::FunctionDef(_) | Stmt::ClassDef(_)) {
                walk_stmt(self, stmt);
            }
        }
        fn visit_expr(&mut self, expr: &'a Expr) {
            match expr {
                Expr::Yield(_) | Expr::YieldFrom(_) => self.0 = true,
                Expr::Lambda(_) => {}
                _ => walk_expr(self, expr),
            }
        }
    }
    let mut yields = Yields(false);
    yields.visit_stmt(stmt);
    yields.0
}

/// Is the root name of `expression` (`timeout` of `timeout.total`) assigned in `span`? The
/// unit reads it before the span runs.
fn assigned_in(span: &[Stmt], expression: &str) -> bool {
    let root = expression.split('.').next().unwrap_or_default();
    span.iter().any(|stmt| assigns_name(stmt, root))
}

/// A top-level class that is the protected-cleanup helper (ours from an earlier run): it
/// defines `__call__`, `context`, `_hold` and `__exit__`.
fn existing_helper(checker: &Checker) -> Option<String> {
    checker.cleanup_helpers().protected.clone()
}

/// A top-level class that is the shielded-cleanup helper (ours from an earlier run): it defines
/// `__aenter__`, `__aexit__` and `_deadline`.
fn existing_shielded_helper(checker: &Checker) -> Option<String> {
    checker.cleanup_helpers().shielded.clone()
}

/// The cleanup helpers an earlier run left in the module, found once per module (a module
/// has thousands of handlers that ask).
#[derive(Default)]
pub struct ExistingHelpers {
    protected: Option<String>,
    shielded: Option<String>,
    /// A use of an anyio or trio API that the targeted versions (anyio 4, trio 0.2x) removed,
    /// and where: the module is written for an older release, which lacks what the shielded
    /// helper needs (`lowlevel.checkpoint_if_cancelled`).
    outdated: Vec<(Library, String, Option<TextSize>)>,
}

/// Names of anyio before 4 and of trio before 0.15 that later releases removed: a module using
/// one may run on a release without `lowlevel.checkpoint_if_cancelled()` (anyio 2, trio 0.14),
/// or whose `current_time()` is a coroutine (anyio 2).
const REMOVED_API: &[(Library, &[&str])] = &[
    (Library::Trio, &["hazmat", "open_cancel_scope", "Queue", "BrokenStreamError", "run_sync_in_worker_thread"]),
    (
        Library::Anyio,
        &[
            "open_cancel_scope", "create_queue", "create_event", "create_lock", "create_semaphore", "create_condition",
            "create_capacity_limiter", "run_in_thread", "run_sync_in_worker_thread", "run_async_from_thread",
        ],
    ),
];

impl ExistingHelpers {
    pub fn of(module: &[Stmt], names: &AsyncioNames, tokens: &Tokens, source: &str) -> Self {
        let mut found = ExistingHelpers { outdated: outdated_api(names, tokens, source), ..ExistingHelpers::default() };
        for stmt in module {
            let Stmt::ClassDef(class) = stmt else { continue };
            let defines = |name: &str| class.body.iter().any(|s| matches!(s, Stmt::FunctionDef(f) if f.name.as_str() == name));
            let defines_all = |names: &[&str]| names.iter().all(|name| defines(name));
            if found.protected.is_none() && defines_all(&["__call__", "context", "_hold", "__exit__"]) {
                found.protected = Some(class.name.to_string());
            }
            if found.shielded.is_none() && defines_all(&["__aenter__", "__aexit__", "_deadline"]) {
                found.shielded = Some(class.name.to_string());
            }
        }
        found
    }
}

/// `trio.hazmat`, `anyio.create_event` (as `lib.name`, or imported from the library): each
/// with the library and where it is used.
fn outdated_api(names: &AsyncioNames, tokens: &Tokens, source: &str) -> Vec<(Library, String, Option<TextSize>)> {
    let mut found = Vec::new();
    for (library, removed) in REMOVED_API {
        if !names.uses(*library) {
            continue;
        }
        let (spelling, _) = names.module_spelling(*library);
        for window in tokens.windows(3) {
            let [base, dot, member] = window else { continue };
            let text = |token: &Token| &source[token.range()];
            if base.kind() == TokenKind::Name && dot.kind() == TokenKind::Dot && member.kind() == TokenKind::Name && text(base) == spelling {
                if let Some(name) = removed.iter().find(|name| **name == text(member)) {
                    found.push((*library, format!("{spelling}.{name}"), Some(member.start())));
                    break;
                }
            }
        }
        if let Some(name) = removed.iter().find(|name| names.imports_member(*library, name)) {
            found.push((*library, format!("{}.{name}", library.module()), None));
        }
    }
    found
}

/// Why the shielded helper cannot be used in this module: it is written for an anyio or trio
/// release older than the helper needs.
fn outdated_release(checker: &Checker, library: Library) -> Option<String> {
    let (_, name, at) = checker.cleanup_helpers().outdated.iter().find(|(l, _, _)| *l == library)?;
    let place = at.map(|at| format!(" (line {})", crate::source::position_of(checker.source(), at).line)).unwrap_or_default();
    let release = if library == Library::Trio { "trio before 0.15" } else { "anyio before 4" };
    Some(format!(
        "the module uses `{name}`{place}, from {release}; the fix's helper is written for anyio 4 and trio 0.2x (`{}.lowlevel.checkpoint_if_cancelled()`, a synchronous `current_time()`), which that release may lack",
        library.module()
    ))
}

/// The anyio / trio helper's source; `{lib}` stands for the module's spelling of anyio or trio
/// (both have `CancelScope(shield=, deadline=)`, `current_effective_deadline()`,
/// `current_time()` and `lowlevel.checkpoint_if_cancelled()`), `{logging}` and `{Unit}` as below.
const SHIELDED_HELPER: &str = r#"class {Unit}:
    """One cleanup block in a shielded cancel scope of this task (CS301).

    With no cancel nothing changes. A cancel of the enclosing scopes is held back
    until the block ends, then raised. Once they are cancelled (already when the
    block starts, or by a deadline they have) the block has `bound` seconds (the
    largest given); a cleanup still running then is cancelled and a warning is
    logged."""

    def __init__(self, *bounds):
        self._bound = max(bound for bound in bounds if isinstance(bound, (int, float)))
        self._scope = None

    def _deadline(self):
        """`bound` seconds after the enclosing scopes are cancelled: from now if they
        are, else from their deadline (with none, no bound)."""
        deadline = {lib}.current_effective_deadline()
        if deadline == float("-inf"):
            deadline = {lib}.current_time()
        return deadline + self._bound

    async def __aenter__(self):
        self._scope = {lib}.CancelScope(shield=True, deadline=self._deadline())
        self._scope.__enter__()
        return self

    async def __aexit__(self, kind, error, traceback):
        swallowed = self._scope.__exit__(kind, error, traceback)
        if self._scope.cancelled_caught:
            {logging}.getLogger(__name__).warning(
                "cleanup cut off after %s s: the task was cancelled"
                " and it had not finished",
                self._bound,
            )
        await {lib}.lowlevel.checkpoint_if_cancelled()  # the cancel held back, if any
        return swallowed"#;

/// The edits that add the shielded helper for `library` (and the imports it needs); its class name.
fn insert_shielded_helper(checker: &Checker, library: Library) -> (String, Vec<Edit>) {
    let unit = checker.fresh_name("_ShieldedCleanup");
    let (lib, needs_import) = checker.names.module_spelling(library);
    let lib_import = needs_import.then(|| checker.editor.add_import(checker.parsed, library.module(), None));
    let (logging, logging_import) = module_helper::module_binding(checker, "logging");
    let (lib_import, logging_import) = module_helper::one_insertion(logging_import, lib_import);
    let quote = checker.editor.quote().to_string();
    let text = SHIELDED_HELPER.replace("{Unit}", &unit).replace("{lib}", &lib).replace("{logging}", &logging).replace('"', &quote);
    let helper = snippet_of(&text);
    // As for the asyncio helper: the imports before the helper, which may go where they go.
    let mut placed = module_helper::insert_after_imports(checker, helper, library.module(), &lib, lib_import);
    let helper_edit = placed.pop();
    placed.extend(logging_import.into_iter().chain(helper_edit));
    (unit, placed)
}

/// A snippet of Python source indented by four spaces a level.
fn snippet_of(text: &str) -> Snippet {
    let mut snippet = Snippet::default();
    for (i, line) in text.lines().enumerate() {
        let code = line.trim_start_matches(' ');
        let depth = (line.len() - code.len()) / 4;
        snippet = if i == 0 { Snippet::line(code.to_string()) } else { snippet.then(depth, code.to_string()) };
    }
    snippet
}

/// The helper's source; `{asyncio}`, `{gc}`, `{sys}`, `{logging}`, `{Unit}`, `{Context}` stand for
/// the module's spellings and the class names, `"` for the file's quote.
const HELPER: &str = r#"class {Unit}:
    """The awaits of one cleanup block, run in this task and its context (CS301).

    A cancel that arrives while they run is held back and raised when the block ends.
    Once the task is cancelled the block has `bound` seconds (the largest given); a
    cleanup still running then is cancelled where it waits, and a warning is logged."""

    def __init__(self, *bounds):
        self._task = {asyncio}.current_task()
        self._loop = self._task.get_loop() if self._task else None
        self._bound = max(bound for bound in bounds if isinstance(bound, (int, float)))
        self._count = getattr(self._task, "cancelling", None)  # Python 3.11+
        self._before = self._count() if self._count else 0
        # The block's own frame, to tell its timeouts from outer ones.
        self._frame = id({sys}._getframe(1))
        propagating = {sys}.exc_info()[1]
        # A CancelledError being handled is this task's only if the task is being
        # cancelled (stop() handling the child it cancelled is not).
        being_cancelled = self._count is None or self._count() > 0
        cancelled = isinstance(propagating, {asyncio}.CancelledError)
        self._cancel = propagating if cancelled and being_cancelled else None
        self._held = None
        self._deadline = None
        if self._cancel is not None and self._task is not None:
            self._deadline = self._loop.time() + self._bound

    def __enter__(self):
        return self

    def __exit__(self, kind, error, traceback):
        if self._held is None or isinstance(error, {asyncio}.CancelledError):
            return
        if self._pending():
            raise self._held

    def _pending(self):
        """Is the task still being cancelled? (Before 3.11 a held cancel counts.)"""
        if self._cancel is not None or self._count is None:
            return True
        return self._count() > self._before

    async def __call__(self, awaitable):
        if self._task is None:  # not run by a task: nothing can cancel it
            return await awaitable
        steps = awaitable.__await__()
        resume, cut_off = None, False
        while True:
            try:
                waiting = next(steps) if resume is None else steps.throw(resume)
            except StopIteration as done:
                return done.value
            resume = None
            if cut_off:
                if self._pending():
                    getattr(waiting, "cancel", lambda: None)()
                    steps.close()
                    raise self._held or self._cancel
                # The cancel was the cleanup's own timeout's, and it took it back.
                cut_off = False
            if waiting is None:  # a bare `yield`, as in asyncio.sleep(0)
                if self._overdue(awaitable):  # a poll that would never end
                    resume, cut_off = {asyncio}.CancelledError(), True
                    continue
                resume = await self._hold({asyncio}.sleep(0), awaitable)
            elif getattr(waiting, "_asyncio_future_blocking", False):
                waiting._asyncio_future_blocking = False
                while not waiting.done() and not cut_off:
                    if self._overdue(awaitable):
                        waiting.cancel()
                        cut_off = True
                        continue
                    left = None
                    if self._deadline is not None:
                        left = self._deadline - self._loop.time()
                    bounded = {asyncio}.wait((waiting,), timeout=left)
                    if await self._hold(bounded, awaitable) is not None:
                        # The cleanup's own timeout: it gets its cancel where it waits.
                        waiting.cancel()
            else:
                resume = RuntimeError(f"cleanup awaited {waiting!r}, not a future")

    def _overdue(self, awaitable):
        """Has the cancelled task's cleanup had its `bound` seconds? Then it is cut off,
        with a warning."""
        if self._deadline is None or self._loop.time() < self._deadline:
            return False
        kind = type(awaitable).__qualname__
        {logging}.getLogger(__name__).warning(
            "cleanup %s cut off after %s s: the task was cancelled"
            " and it had not finished",
            getattr(awaitable, "__qualname__", kind),
            self._bound,
        )
        return True

    async def _hold(self, waiting, awaitable):
        """Wait, holding back a cancel of this task; return one the cleanup made."""
        try:
            await waiting
        # Held back, and raised when the block ends.
        except {asyncio}.CancelledError as cancel:  # noqa: CS101, CS103
            if self._own(cancel, awaitable):
                return cancel
            if self._held is None:
                self._held = cancel
            if self._deadline is None:
                self._deadline = self._loop.time() + self._bound
        return None

    def _own(self, cancel, awaitable):
        """Was the cancel the cleanup's own? An anyio cancel scope's, or one an expired
        timeout made (`asyncio.timeout()`, `wait_for` from 3.12 on, a library's timeout
        context manager) that was entered on the cleanup's stack or in this block around
        it; a timeout entered before this block is an outside cancel."""
        scope = ("Cancelled by cancel scope", "Cancelled via cancel scope")
        if str(cancel).startswith(scope):
            return True
        held = []
        for _ in range(100):  # the cleanup's stack, all of it
            if awaitable is None or isinstance(awaitable, {asyncio}.Future):
                break
            held.extend({gc}.get_referents(awaitable))
            awaitable = self._awaited(awaitable)
        block = self._task.get_coro()
        for _ in range(100):  # down the task's stack to this block's frame
            if block is None or id(getattr(block, "cr_frame", None)) == self._frame:
                break
            block = self._awaited(block)
        if block is not None:
            # The block's stack holds what it entered after this unit above it.
            referents = {gc}.get_referents(block)
            entered = [getattr(item, "__self__", item) for item in referents]
            mine = [i for i, item in enumerate(entered) if item is self]
            held.extend(entered[mine[-1] + 1 :] if mine else [])
        return any(self._expired(getattr(item, "__self__", item)) for item in held)

    def _expired(self, held):
        """An expired timeout of this task: a context manager with an `expired` flag or
        method."""
        kind = type(held)
        if getattr(kind, "expired", None) is None or not hasattr(kind, "__aexit__"):
            return False
        if getattr(held, "_task", self._task) is not self._task:
            return False
        try:
            expired = held.expired() if callable(held.expired) else held.expired
        except Exception:  # noqa: BLE001 - not a timeout after all
            return False
        return expired is True

    @staticmethod
    def _awaited(awaitable):
        """What a suspended coroutine, generator or `__await__` wrapper waits on."""
        for attribute in ("cr_await", "gi_yieldfrom", "ag_await"):
            if hasattr(awaitable, attribute):
                return getattr(awaitable, attribute)
        for item in {gc}.get_referents(awaitable):
            if hasattr(item, "cr_await") or hasattr(item, "gi_yieldfrom"):
                return item
        return None

    def context(self, manager):
        """`async with` `manager`, entered and left as part of this block."""
        return {Context}(self, manager)


class {Context}:
    def __init__(self, cleanup, manager):
        self._cleanup, self._manager = cleanup, manager

    async def __aenter__(self):
        return await self._cleanup(type(self._manager).__aenter__(self._manager))

    async def __aexit__(self, kind, error, traceback):
        manager = self._manager
        exit = type(manager).__aexit__(manager, kind, error, traceback)
        return await self._cleanup(exit)"#;

/// The edits that add the helper (and the imports it needs) to the module; its class name.
fn insert_helper(checker: &Checker) -> (String, Vec<Edit>) {
    let unit = checker.fresh_name("_ProtectedCleanup");
    let context = checker.fresh_name("_ProtectedCleanupContext");
    let (asyncio, asyncio_import) = reraise::asyncio_module(checker);
    let (gc, gc_import) = module_helper::module_binding(checker, "gc");
    let (sys, sys_import) = module_helper::module_binding(checker, "sys");
    let (logging, logging_import) = module_helper::module_binding(checker, "logging");
    let quote = checker.editor.quote().to_string();
    let text = HELPER
        .replace("{Unit}", &unit)
        .replace("{Context}", &context)
        .replace("{asyncio}", &asyncio)
        .replace("{gc}", &gc)
        .replace("{sys}", &sys)
        .replace("{logging}", &logging)
        .replace('"', &quote);
    let helper = snippet_of(&text);
    // Imports in isort's order, so those inserted at one place stay sorted, and before the
    // helper, which may be inserted where the last of them goes.
    let mut placed = module_helper::insert_after_imports(checker, helper, "asyncio", &asyncio, asyncio_import);
    let helper_edit = placed.pop();
    placed.extend(gc_import.into_iter().chain(logging_import).chain(sys_import).chain(helper_edit));
    (unit, placed)
}
