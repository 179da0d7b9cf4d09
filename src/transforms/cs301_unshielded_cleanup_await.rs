//! CS301 unshielded-cleanup-await: an `await` in a `finally:` block (or in a handler that
//! catches the cancellation) runs while the task is being cancelled; a second cancel cuts it
//! short. The fix shields it and bounds it with the cleanup timeout.
//! The rule's page is `transforms/CS301-unshielded-cleanup-await/README.md`.

use ruff_diagnostics::Edit;
use ruff_python_ast::visitor::{walk_expr, Visitor};
use ruff_python_ast::{ExceptHandler, Expr, PythonVersion, Stmt, StmtWith};
use ruff_text_size::{Ranged, TextRange};

use super::{reraise, Checker, Finding, Safety};
use crate::analysis::names::{AsyncioNames, Catches};
use crate::analysis::suspension::awaited_tasks;
use crate::edits::{with_safety, Snippet};
use crate::rules::Rule;

/// Where the cleanup runs.
#[derive(Clone, Copy)]
enum Cleanup {
    Finally,
    CancelHandler,
}

/// What kind of suspension the statement is, and why it has no fix if it has none.
enum Shape<'a> {
    /// `await x` as a statement: wrapped.
    Await(&'a Expr),
    /// Reported without a fix; `awaited` is the operand when there is a single one.
    ReportOnly { range: TextRange, why: &'static str, awaited: Option<&'a Expr> },
}

pub fn statement(checker: &mut Checker, stmt: &Stmt) {
    let Some(shape) = shape_of(checker, stmt) else { return };
    let awaited = match &shape {
        Shape::Await(awaited) => Some(*awaited),
        Shape::ReportOnly { awaited, .. } => *awaited,
    };
    if awaited.is_some_and(|awaited| !is_cleanup_call(checker, awaited)) {
        return;
    }
    let Some(cleanup) = cleanup_context(checker, stmt) else { return };
    let place = match cleanup {
        Cleanup::Finally => "in a `finally:` block",
        Cleanup::CancelHandler => "in a handler that catches the cancellation",
    };
    let (range, fix, reason) = match shape {
        Shape::Await(awaited) => {
            let await_range = match stmt {
                Stmt::Expr(expr) => expr.value.range(),
                _ => stmt.range(),
            };
            let bound = checker.settings.cleanup_timeout;
            let verdict = Safety::unsafe_because(format!(
                "a cleanup slower than the {bound} s bound is abandoned even when nothing was cancelled, its own `TimeoutError` is swallowed, and the shielded call runs in a new task with a copied context{}",
                background_race(checker, awaited)
            ));
            let (fix, reason) = with_safety(shielded_and_bounded(checker, stmt, awaited), checker.safety(verdict));
            (await_range, fix, reason)
        }
        Shape::ReportOnly { range, why, .. } => (range, None, Some(why.to_string())),
    };
    checker.report(Finding {
        rule: Rule::UnshieldedCleanupAwait,
        message: format!(
            "cleanup awaited {place} is not shielded: a second cancel cuts it short, and if it hangs the task never ends"
        ),
        range,
        fix,
        reason,
    });
}

fn shape_of<'a>(checker: &Checker, stmt: &'a Stmt) -> Option<Shape<'a>> {
    let report_only = |range: TextRange, why, awaited| Some(Shape::ReportOnly { range, why, awaited });
    match stmt {
        Stmt::Expr(expr) => match expr.value.as_ref() {
            Expr::Await(await_expr) => Some(Shape::Await(&await_expr.value)),
            _ => None,
        },
        Stmt::Assign(assign) if assign.value.is_await_expr() => {
            report_only(assign.value.range(), "the awaited value is assigned, and a bound would leave the name unset", operand(&assign.value))
        }
        Stmt::AnnAssign(assign) if assign.value.as_deref().is_some_and(Expr::is_await_expr) => {
            report_only(stmt.range(), "the awaited value is assigned, and a bound would leave the name unset", assign.value.as_deref().and_then(operand))
        }
        Stmt::Return(ret) if ret.value.as_deref().is_some_and(Expr::is_await_expr) => {
            report_only(stmt.range(), "the awaited value is returned", ret.value.as_deref().and_then(operand))
        }
        Stmt::With(with) if with.is_async && !is_timeout_block(checker, stmt) => {
            let header = TextRange::new(with.start(), with.items.last().map_or(with.start(), Ranged::end));
            report_only(header, "shield the `async with` body by hand, or move it out of the cleanup", None)
        }
        Stmt::For(for_stmt) if for_stmt.is_async => {
            let header = TextRange::new(for_stmt.start(), for_stmt.iter.end());
            report_only(header, "an `async for` cannot be shielded as a whole", None)
        }
        _ => None,
    }
}

/// `async with asyncio.timeout(...)`: entering and leaving it does not suspend, so it is no
/// cleanup of its own (the fix writes one).
fn is_timeout_block(checker: &Checker, stmt: &Stmt) -> bool {
    let Stmt::With(with) = stmt else { return false };
    with.items.iter().all(|item| {
        matches!(&item.context_expr, Expr::Call(call) if matches!(checker.names.asyncio_member(&call.func), Some("timeout" | "timeout_at")))
    })
}

/// The operand of `await x`.
fn operand(value: &Expr) -> Option<&Expr> {
    match value {
        Expr::Await(await_expr) => Some(await_expr.value.as_ref()),
        _ => None,
    }
}

/// A cleanup worth protecting: not already shielded, not a delay (`asyncio.sleep`), not a wait
/// for a task cancelled just before (CS104 and CS103 judge those).
fn is_cleanup_call(checker: &Checker, awaited: &Expr) -> bool {
    struct Mentions<'n> {
        names: &'n AsyncioNames,
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
    let Expr::Call(call) = awaited else { return false };
    if checker.names.asyncio_member(&call.func) == Some("sleep") {
        return false;
    }
    if awaited_tasks(awaited, &checker.names).next().is_some() || waits_for_existing_tasks(checker, call) {
        return false;
    }
    let mut mentions = Mentions { names: &checker.names, shielded: false };
    mentions.visit_expr(awaited);
    !mentions.shielded
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

/// Is the statement being visited cleanup code: in a `finally:` or a handler catching the
/// cancellation, and not guarded by a nearer `try` that handles the cancellation itself?
fn cleanup_context(checker: &Checker, stmt: &Stmt) -> Option<Cleanup> {
    let mut child = stmt.range();
    for ancestor in checker.ancestors() {
        let within = |stmts: &[Stmt]| stmts.iter().any(|s| s.range().contains_range(child));
        match ancestor {
            Stmt::Try(try_stmt) => {
                let catches_cancel = |h: &ExceptHandler| {
                    let ExceptHandler::ExceptHandler(h) = h;
                    checker.names.catches(h.type_.as_deref()) != Catches::Nothing
                };
                if within(&try_stmt.finalbody) {
                    return Some(Cleanup::Finally);
                }
                if within(&try_stmt.body) && try_stmt.handlers.iter().any(catches_cancel) {
                    // Guarded by its own cancellation handling (a retry loop, a handler).
                    return None;
                }
                if try_stmt.handlers.iter().any(|h| catches_cancel(h) && h.range().contains_range(child)) {
                    return Some(Cleanup::CancelHandler);
                }
            }
            Stmt::With(with) if is_shielding_scope(with) => return None,
            Stmt::With(with) if with.is_async && !is_timeout_block(checker, ancestor) => return None,
            Stmt::For(for_stmt) if for_stmt.is_async => return None,
            Stmt::FunctionDef(_) | Stmt::ClassDef(_) => return None,
            _ => {}
        }
        child = ancestor.range();
    }
    None
}

/// `with anyio.CancelScope(shield=True):`, `with move_on_after(5, shield=True):`: the cleanup
/// is already shielded by the framework's own cancel scope (anyio, trio).
fn is_shielding_scope(with: &StmtWith) -> bool {
    with.items.iter().any(|item| {
        matches!(&item.context_expr, Expr::Call(call) if call
            .arguments
            .find_keyword("shield")
            .is_some_and(|keyword| !matches!(&keyword.value, Expr::BooleanLiteral(b) if !b.value)))
    })
}

/// Turns `await x` into the shielded, bounded form of docs/fix-forms.md. The statement keeps
/// its text (and trailing comment); only the operand is wrapped and blocks are put around it.
fn shielded_and_bounded(checker: &Checker, stmt: &Stmt, awaited: &Expr) -> Vec<Edit> {
    let (asyncio, import) = reraise::asyncio_module(checker);
    let bound = checker.settings.cleanup_timeout;
    let (headers, open, close, timeout_error) = if checker.target_at_least(PythonVersion::PY311) {
        let timeout_error = if shadows_timeout_error(checker) { format!("{asyncio}.TimeoutError") } else { "TimeoutError".to_string() };
        let headers = vec!["try:".to_string(), format!("async with {asyncio}.timeout({bound}):")];
        (headers, format!("{asyncio}.shield("), ")".to_string(), timeout_error)
    } else {
        let headers = vec!["try:".to_string()];
        (headers, format!("{asyncio}.wait_for({asyncio}.shield("), format!("), {bound})"), format!("{asyncio}.TimeoutError"))
    };
    let handler = Snippet::line(format!("except {timeout_error}:")).then(1, "pass");
    // The operand's edits come first: its `)` goes before a handler inserted at the same point.
    let mut edits = vec![Edit::insertion(open, awaited.start()), Edit::insertion(close, awaited.end())];
    edits.extend(checker.editor.wrap(checker.suite_of(stmt), stmt, &Snippet::default(), &headers, &handler));
    edits.extend(import);
    edits
}

/// The module binds its own `TimeoutError` (an import from elsewhere, a class).
fn shadows_timeout_error(checker: &Checker) -> bool {
    checker.parsed.syntax().body.iter().any(|stmt| match stmt {
        Stmt::ImportFrom(import) => import.names.iter().any(|alias| {
            alias.asname.as_ref().unwrap_or(&alias.name).as_str() == "TimeoutError" && import.module.as_deref() != Some("asyncio")
        }),
        Stmt::ClassDef(class) => class.name.as_str() == "TimeoutError",
        Stmt::Assign(assign) => assign.targets.iter().any(|t| matches!(t, Expr::Name(n) if n.id.as_str() == "TimeoutError")),
        _ => false,
    })
}

/// `await session.commit()` inside `async with session:` — after a second cancel the shielded
/// commit keeps running while the `async with` closes the session under it.
fn background_race(checker: &Checker, awaited: &Expr) -> String {
    let Expr::Call(call) = awaited else { return String::new() };
    let Expr::Attribute(method) = call.func.as_ref() else { return String::new() };
    let receiver = checker.editor.text(method.value.as_ref());
    let managed = checker.ancestors().any(|stmt| match stmt {
        Stmt::With(with) if with.is_async => with.items.iter().any(|item| {
            checker.editor.text(&item.context_expr) == receiver
                || item.optional_vars.as_deref().is_some_and(|vars| checker.editor.text(vars) == receiver)
        }),
        _ => false,
    });
    if managed {
        format!("; after a second cancel the shielded call keeps running while the enclosing `async with` closes `{receiver}`")
    } else {
        String::new()
    }
}
