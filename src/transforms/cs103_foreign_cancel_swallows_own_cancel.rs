//! CS103 foreign-cancel-swallows-own-cancel: a handler (or `contextlib.suppress`) around
//! awaiting an existing task swallows the other task's `CancelledError` — fine — and this
//! task's own cancellation with it.
//! The rule's page is `transforms/CS103-foreign-cancel-swallows-own-cancel/README.md`.

use ruff_python_ast::{ExceptHandler, Expr, Stmt, StmtTry, StmtWith};
use ruff_text_size::Ranged;

use super::reraise;
use super::{Checker, Finding};
use crate::analysis::names::{Catches, Library};
use crate::analysis::suspension::SuspensionPoints;
use crate::rules::Rule;

pub fn try_statement<'a>(checker: &mut Checker<'a>, stmt: &Stmt, try_stmt: &'a StmtTry) {
    if !SuspensionPoints::of(&try_stmt.body).awaits_existing_task(&checker.names) {
        return;
    }
    for (index, ExceptHandler::ExceptHandler(handler)) in try_stmt.handlers.iter().enumerate() {
        // Tasks and futures are asyncio's; a cancel scope's cancellation is this task's own.
        if checker.names.catches(handler.type_.as_deref()) == Catches::Nothing || checker.handler_library(handler) != Library::Asyncio {
            continue;
        }
        let Some(exits) = reraise::leaking_exits(checker, try_stmt, index) else { continue };
        let (fix, reason) = reraise::fix_handler(checker, stmt, try_stmt, handler, &exits);
        checker.report(Finding {
            rule: Rule::ForeignCancelSwallowsOwnCancel,
            message: format!(
                "handler around awaiting another task {} without checking whether this task was cancelled too",
                reraise::describe(&exits),
            ),
            range: reraise::handler_header_range(handler),
            fix,
            reason,
        });
    }
}

pub fn suppress_block(checker: &mut Checker, stmt: &Stmt, with: &StmtWith) {
    let Some(suppressed) = suppressed_cancellation(checker, with) else { return };
    if !SuspensionPoints::of(&with.body).awaits_existing_task(&checker.names) {
        return;
    }
    let (fix, reason) = reraise::fix_suppress(checker, stmt);
    checker.report(Finding {
        rule: Rule::ForeignCancelSwallowsOwnCancel,
        message: "`contextlib.suppress(CancelledError)` around awaiting another task also swallows this task's own cancellation".to_string(),
        range: suppressed.range(),
        fix,
        reason,
    });
}

/// The `suppress(CancelledError)` call of `with contextlib.suppress(CancelledError):`, when it
/// suppresses nothing but cancellation.
pub fn suppressed_cancellation<'w>(checker: &Checker, with: &'w StmtWith) -> Option<&'w Expr> {
    let [item] = with.items.as_slice() else { return None };
    let Expr::Call(call) = &item.context_expr else { return None };
    let only_cancellation = !call.arguments.args.is_empty()
        && call.arguments.keywords.is_empty()
        && call.arguments.args.iter().all(|arg| checker.names.is_cancelled_error(arg));
    (!with.is_async && item.optional_vars.is_none() && checker.names.is_suppress(&call.func) && only_cancellation)
        .then_some(&item.context_expr)
}
