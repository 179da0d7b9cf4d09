//! CS104 cancelled-task-awaited-bare: `t.cancel()` then `await t` with no handler for
//! `CancelledError`: the awaiting task raises `CancelledError` although nobody cancelled it.
//! The stoppers themselves are found once per module (`analysis::tasks`), because fixing a
//! child's swallow (CS101) depends on them too.
//! The rule's page is `transforms/CS104-cancelled-task-awaited-bare/README.md`.

use ruff_python_ast::{ExceptHandler, Expr, Stmt};
use ruff_text_size::Ranged;

use super::reraise::{asyncio_module, CountSnapshot};
use super::{Checker, Finding, Safety};
use crate::analysis::tasks::StopperAwait;
use crate::edits::{with_safety, Snippet};
use crate::rules::Rule;

pub fn statement(checker: &mut Checker, stmt: &Stmt) {
    // Cheap exits first: the module's task facts are built only where a stopper can be.
    let value = match stmt {
        Stmt::Expr(expr) => Some(expr.value.as_ref()),
        Stmt::Assign(assign) => Some(assign.value.as_ref()),
        Stmt::AnnAssign(assign) => assign.value.as_deref(),
        _ => None,
    };
    if !matches!(value, Some(Expr::Await(_))) || !checker.mentions_cancel() {
        return;
    }
    let Some(stopper) = checker.tasks().stopper_at(stmt) else { return };
    if reraised_right_after(checker, stmt) {
        return;
    }
    let task_text = checker.editor.one_line(stopper.cancelled[0]).trim_start_matches('*').to_string();
    let (fix, reason) = match verdict(checker, stopper) {
        Err(why) => (None, Some(why)),
        Ok(verdict) => {
            let snapshot = CountSnapshot::new(checker, stmt).expect("verdict checked the target");
            let mut edits = snapshot.imports().to_vec();
            let mut rest = Snippet::default();
            let children = stopper.gather.map_or(0, |g| g.arguments.args.len());
            let several = children > 1 || stopper.gather.is_some_and(|g| g.arguments.args.iter().any(|a| a.is_starred_expr()));
            if several {
                // `gather` raises at the first cancelled child while the others may still be
                // cleaning up: wait for every cancelled one before carrying on.
                let (asyncio, import) = asyncio_module(checker);
                edits.extend(import);
                let children: Vec<&str> = stopper.cancelled.iter().map(|c| checker.editor.text(*c)).collect();
                rest = rest.then(0, format!("await {asyncio}.gather({}, return_exceptions=True)", children.join(", ")));
            }
            let suite = checker.suite_of(stmt);
            edits.extend(checker.editor.wrap_in_try(suite, stmt, &snapshot.take(), &snapshot.handler(rest)));
            with_safety(edits, verdict)
        }
    };
    let message = match &stopper.cancelled_elsewhere {
        None => format!("awaiting `{task_text}` right after cancelling it raises `CancelledError` here although this task was not cancelled"),
        Some(methods) => format!(
            "awaiting `{task_text}`, which {methods} cancels, raises `CancelledError` here although this task was not cancelled"
        ),
    };
    checker.report(Finding { rule: Rule::CancelledTaskAwaitedBare, message, range: stopper.await_expr.range(), fix, reason });
}

/// The verdict on the fix of `stopper`, or why it gets none. CS101 asks too: a child's fix is
/// safe only if its stopper's is.
pub fn verdict(checker: &Checker, stopper: &StopperAwait) -> Result<Safety, String> {
    CountSnapshot::available(checker)?;
    if !stopper.bare {
        return Err("the awaited result is assigned, and on the swallow path it would be unset".to_string());
    }
    let verdict = match &stopper.cancelled_elsewhere {
        None => Safety::Safe,
        Some(methods) => Safety::Unsafe(format!(
            "the task is cancelled in {methods}, not here, so a caller may take its CancelledError as the task's outcome"
        )),
    };
    Ok(checker.safety_at(verdict, &stopper.parents))
}

/// `except CancelledError: t.cancel(); await t; raise` — this task is being cancelled and
/// re-raises right after, so the child's `CancelledError` ends it just as the `raise` would.
fn reraised_right_after(checker: &Checker, stmt: &Stmt) -> bool {
    let suite = checker.suite_of(stmt);
    let next = suite.stmts.iter().find(|s| s.start() >= stmt.end());
    if !matches!(next, Some(Stmt::Raise(raise)) if raise.exc.is_none()) {
        return false;
    }
    checker.ancestors().any(|ancestor| match ancestor {
        Stmt::Try(try_stmt) => try_stmt.handlers.iter().any(|ExceptHandler::ExceptHandler(h)| {
            h.range().contains_range(stmt.range())
                && checker.names.catches(h.type_.as_deref()) == crate::analysis::names::Catches::OnlyCancellation
        }),
        _ => false,
    })
}
