//! CS101 swallowed-cancellation: `except CancelledError` that ends without re-raising.
//! The rule's page is `transforms/CS101-swallowed-cancellation/README.md`.

use ruff_python_ast::{ExceptHandler, Stmt, StmtTry, StmtWith};
use ruff_text_size::Ranged;

use super::cs103_foreign_cancel_swallows_own_cancel::suppressed_cancellation;
use super::reraise;
use super::{Checker, Finding};
use crate::analysis::names::{Catches, Library};
use crate::analysis::suspension::SuspensionPoints;
use crate::rules::Rule;

pub fn try_statement<'a>(checker: &mut Checker<'a>, stmt: &Stmt, try_stmt: &'a StmtTry) {
    let points = SuspensionPoints::of(&try_stmt.body);
    // No suspension point, no cancellation to swallow.
    if !points.any() {
        return;
    }
    for (index, ExceptHandler::ExceptHandler(handler)) in try_stmt.handlers.iter().enumerate() {
        let catches = checker.names.catches(handler.type_.as_deref());
        if !matches!(catches, Catches::OnlyCancellation | Catches::CancellationAmongOthers) {
            continue;
        }
        // Awaiting an existing asyncio task is CS103's.
        let library = checker.handler_library(handler);
        if library == Library::Asyncio && points.awaits_existing_task(&checker.names) {
            continue;
        }
        let Some(exits) = reraise::leaking_exits(checker, try_stmt, index) else { continue };
        if library.is_structured() && reraise::ends_a_spawned_task(checker, stmt, &exits) {
            continue;
        }
        let (fix, reason) = reraise::fix_handler(checker, stmt, try_stmt, handler, &exits);
        let caught = handler.type_.as_deref().map_or(String::new(), |t| checker.editor.one_line(t));
        checker.report(Finding {
            rule: Rule::SwallowedCancellation,
            message: format!(
                "`except {caught}` {} without re-raising: {}",
                reraise::describe(&exits),
                reraise::consequence(&exits, library)
            ),
            range: reraise::handler_header_range(handler),
            fix,
            reason,
        });
    }
}

/// `with contextlib.suppress(CancelledError):` around awaits of fresh calls swallows this
/// task's own cancellation.
pub fn suppress_block(checker: &mut Checker, stmt: &Stmt, with: &StmtWith) {
    let Some(suppressed) = suppressed_cancellation(checker, with) else { return };
    let points = SuspensionPoints::of(&with.body);
    if !points.any() || points.awaits_existing_task(&checker.names) {
        return;
    }
    let (fix, reason) = reraise::fix_suppress(checker, stmt);
    checker.report(Finding {
        rule: Rule::SwallowedCancellation,
        message: "`contextlib.suppress(CancelledError)` around an await swallows this task's own cancellation".to_string(),
        range: suppressed.range(),
        fix,
        reason,
    });
}
