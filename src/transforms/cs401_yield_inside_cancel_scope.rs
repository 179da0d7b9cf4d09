//! CS401 yield-inside-cancel-scope: a `yield` inside `async with asyncio.timeout()`, a
//! `TaskGroup`, or an anyio/trio cancel scope, in an async generator. While the consumer runs
//! between two items the scope is still open, so the cancellation it delivers lands in the
//! consumer's code instead of the block it was meant for (PEP 789). The one rewrite that is
//! provably the same when nothing is cancelled — moving a final `yield` out of a timeout — is
//! offered; everything else is reported only.
//! The rule's page is `transforms/CS401-yield-inside-cancel-scope/README.md`.

use ruff_diagnostics::Edit;
use ruff_python_ast::visitor::{walk_expr, walk_stmt, Visitor};
use ruff_python_ast::{Expr, ExprYield, Stmt, StmtFunctionDef, StmtWith};
use ruff_source_file::LineRanges;
use ruff_text_size::{Ranged, TextRange, TextSize};

use super::{Checker, Finding, Safety};
use crate::analysis::names::AsyncioNames;
use crate::edits::{with_safety, Snippet, Suite};
use crate::rules::Rule;

/// A block that cancels the task that entered it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Scope {
    /// `asyncio.timeout()` / `timeout_at()`: on expiry it cancels the task and turns the
    /// `CancelledError` that comes back out of its block into `TimeoutError`.
    AsyncioTimeout,
    /// A task group (`asyncio.TaskGroup()`, anyio's `create_task_group()`, trio's nursery): a
    /// failing child cancels the task that entered it.
    Group,
    /// Any other: `async_timeout.timeout()`, anyio's and trio's cancel scopes and deadlines.
    Other,
}

/// An `async with` (or anyio/trio `with`) whose block is a cancel scope, visited in an
/// `async def`.
pub fn with_statement<'a>(checker: &mut Checker<'a>, stmt: &'a Stmt, with: &'a StmtWith) {
    let Some((scope, scope_text)) = cancel_scope(checker, with) else { return };
    let Some(Stmt::FunctionDef(function)) = checker.ancestors().last() else { return };
    if drives_a_context_manager(&checker.names, function) || checker.handed_functions().made_a_context_manager(function.name.as_str()) {
        return;
    }
    let yields = own_yields(checker, &with.body);
    if yields.is_empty() {
        return;
    }
    let outer = checker.ancestors().find_map(|ancestor| match ancestor {
        Stmt::With(outer) => cancel_scope(checker, outer).map(|(_, text)| text),
        _ => None,
    });
    for yield_expr in &yields {
        let (fix, reason) = match move_out(checker, stmt, with, scope, &yields, yield_expr, outer.as_deref()) {
            Ok(edits) => with_safety(edits, checker.safety(Safety::Safe)),
            Err(why) => (None, Some(why)),
        };
        checker.report(Finding {
            rule: Rule::YieldInsideCancelScope,
            message: format!(
                "`yield` inside `{scope_text}` in an async generator: the scope stays open while the consumer runs, so the cancellation it delivers lands in the consumer's code instead of this block"
            ),
            range: yield_expr.range(),
            fix,
            reason,
        });
    }
}

/// The scope a `with` opens, and how to name it in a message, if its block is a cancel scope.
fn cancel_scope(checker: &Checker, with: &StmtWith) -> Option<(Scope, String)> {
    with.items.iter().find_map(|item| {
        let Expr::Call(call) = &item.context_expr else { return None };
        let scope = match (checker.names.asyncio_member(&call.func), checker.names.scope_library_member(&call.func)) {
            (Some("timeout" | "timeout_at"), _) => Scope::AsyncioTimeout,
            (Some("TaskGroup"), _) => Scope::Group,
            (Some("Timeout"), _) => Scope::Other,
            (_, Some(("anyio" | "trio", "CancelScope" | "move_on_after" | "move_on_at" | "fail_after" | "fail_at"))) => Scope::Other,
            (_, Some(("anyio", "create_task_group"))) | (_, Some(("trio", "open_nursery"))) => Scope::Group,
            (_, Some(("async_timeout", "timeout" | "timeout_at"))) => Scope::Other,
            _ => return None,
        };
        let header = if with.is_async { "async with" } else { "with" };
        Some((scope, format!("{header} {}(...)", checker.editor.one_line(call.func.as_ref()))))
    })
}

/// An async generator turned into a context manager (`@asynccontextmanager`, a pytest fixture)
/// yields *on purpose* inside its scopes: the consumer's `async with` body is the block they
/// are meant for, and its exceptions come back in at the `yield`. An imported alias counts
/// (`from contextlib import asynccontextmanager as acm`).
fn drives_a_context_manager(names: &AsyncioNames, function: &StmtFunctionDef) -> bool {
    function.decorator_list.iter().any(|decorator| {
        let mut expr = &decorator.expression;
        if let Expr::Call(call) = expr {
            expr = &call.func;
        }
        let name = match expr {
            Expr::Name(name) => name.id.as_str(),
            Expr::Attribute(attribute) => attribute.attr.as_str(),
            _ => return false,
        };
        name.ends_with("contextmanager") || name == "fixture" || names.is_context_manager_alias(name)
    })
}

/// The `yield`s of a block that belong to this scope: not in nested functions, lambdas or
/// classes, and not in a nested cancel scope (which reports its own).
fn own_yields<'a>(checker: &Checker, body: &'a [Stmt]) -> Vec<&'a ExprYield> {
    struct Yields<'c, 'x, 'a> {
        checker: &'c Checker<'x>,
        found: Vec<&'a ExprYield>,
    }
    impl<'a> Visitor<'a> for Yields<'_, '_, 'a> {
        fn visit_stmt(&mut self, stmt: &'a Stmt) {
            match stmt {
                Stmt::FunctionDef(_) | Stmt::ClassDef(_) => {}
                Stmt::With(with) if cancel_scope(self.checker, with).is_some() => {}
                _ => walk_stmt(self, stmt),
            }
        }
        fn visit_expr(&mut self, expr: &'a Expr) {
            match expr {
                Expr::Lambda(_) => {}
                Expr::Yield(yield_expr) => {
                    self.found.push(yield_expr);
                    walk_expr(self, expr);
                }
                _ => walk_expr(self, expr),
            }
        }
    }
    let mut yields = Yields { checker, found: Vec::new() };
    yields.visit_body(body);
    yields.found
}

/// The one rewrite that changes nothing unless the task is cancelled: a `yield` statement that
/// ends the block of an `asyncio.timeout()` moves out of it, right after the block. The block
/// had nothing left to do after the `yield`, and the deadline only ever covered a prefix of
/// what it covers now, so when the timeout never fires the code runs the same; when it would
/// have fired during the consumer's turn, nothing is cancelled any more. Anything else has no
/// rewrite that keeps the normal path, and the reason says why.
fn move_out(
    checker: &Checker,
    stmt: &Stmt,
    with: &StmtWith,
    scope: Scope,
    yields: &[&ExprYield],
    yield_expr: &ExprYield,
    outer: Option<&str>,
) -> Result<Vec<Edit>, String> {
    match scope {
        Scope::AsyncioTimeout => {}
        Scope::Group => {
            return Err("the group's tasks run while the consumer holds the item, and closing the group first would wait for them: restructure by hand (see the rule page)".to_string())
        }
        Scope::Other => return Err("only an `asyncio.timeout()` block is rewritten: restructure by hand (see the rule page)".to_string()),
    }
    if with.items.len() > 1 {
        return Err("the `async with` opens other context managers too, and moving the `yield` out would close them before the consumer runs".to_string());
    }
    if let Some(outer) = outer {
        return Err(format!("the `yield` is also inside `{outer}`: restructure by hand"));
    }
    // The statement is the bare `yield …` (not `(yield …)`), so its keyword can become a binding.
    let last = with.body.last().filter(|last| matches!(last, Stmt::Expr(e) if e.value.range() == yield_expr.range() && last.start() == yield_expr.start()));
    let (Some(last), [_, _, ..], [_]) = (last, with.body.as_slice(), yields) else {
        return Err("only a `yield` statement that ends the timeout's block, after other code and as its only `yield`, can move out of it unchanged".to_string());
    };
    let editor = &checker.editor;
    let line_start = checker.source().line_start(last.start());
    if !checker.source()[TextRange::new(line_start, last.start())].trim().is_empty() {
        return Err("the `yield` shares its line with other code".to_string());
    }
    let inert = yield_expr.value.as_deref().is_none_or(|value| {
        matches!(value, Expr::Name(_) | Expr::NoneLiteral(_) | Expr::NumberLiteral(_) | Expr::StringLiteral(_) | Expr::BooleanLiteral(_))
    });
    if inert {
        // Dedent the `yield` to the `async with`'s level: it now follows the block.
        return Ok(vec![editor.move_after_block(checker.suite_of(stmt), stmt, last)]);
    }
    // The value is still computed inside the scope; only handing it over moves out.
    let name = checker.fresh_name("item");
    let keyword = TextRange::at(yield_expr.start(), TextSize::new(5));
    let block = Suite::new(stmt.start(), &with.body);
    Ok(vec![
        editor.replace_statement_start(block, last, keyword, &format!("{name} =")),
        editor.insert_after(checker.suite_of(stmt), stmt, &Snippet::line(format!("yield {name}"))),
    ])
}
