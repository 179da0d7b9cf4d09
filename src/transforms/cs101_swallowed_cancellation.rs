//! CS101 swallowed-cancellation: `except CancelledError` that ends without re-raising.
//! The rule's page is `transforms/CS101-swallowed-cancellation/README.md`.

use ruff_python_ast::{ExceptHandler, Stmt, StmtTry, StmtWith};
use ruff_text_size::Ranged;

use super::reraise::{self, ReRaise};
use super::{cs103_foreign_cancel_swallows_own_cancel as count_snapshot, Checker, Finding};
use crate::analysis::flow::is_guarded;
use crate::analysis::names::Catches;
use crate::analysis::suspension::SuspensionPoints;
use crate::edits::with_safety;
use crate::rules::Rule;

pub fn try_statement(checker: &mut Checker, stmt: &Stmt, try_stmt: &StmtTry) {
    let points = SuspensionPoints::of(&try_stmt.body);
    // No suspension point, no cancellation to swallow; awaiting an existing task is CS103's.
    if !points.any() || points.awaits_existing_task(&checker.names) {
        return;
    }
    for (index, ExceptHandler::ExceptHandler(handler)) in try_stmt.handlers.iter().enumerate() {
        let catches = checker.names.catches(handler.type_.as_deref());
        if !matches!(catches, Catches::OnlyCancellation | Catches::CancellationAmongOthers) {
            continue;
        }
        let earlier_takes_it = try_stmt.handlers[..index]
            .iter()
            .any(|ExceptHandler::ExceptHandler(h)| checker.names.catches(h.type_.as_deref()) != Catches::Nothing);
        if earlier_takes_it || is_guarded(handler, &checker.names) {
            continue;
        }
        let exits = checker.exit_finder().exits(handler);
        if exits.is_empty() || reraise::kept_for_later(checker, handler) {
            continue;
        }
        let (fix, reason) = if catches == Catches::OnlyCancellation {
            let (mut edits, how) = if try_stmt.is_star {
                let (group, bind) = reraise::bind_exception(checker, handler);
                (bind, ReRaise::always(Some(&group)))
            } else {
                (Vec::new(), ReRaise::always(None))
            };
            edits.extend(reraise::reraise_at_exits(checker, &exits, &how));
            with_safety(edits, reraise::safety(checker, &exits, stmt))
        } else if try_stmt.is_star {
            (None, Some("`except* (CancelledError, …)` binds an exception group, which no isinstance test fits; split out `except* CancelledError`".to_string()))
        } else {
            let (name, mut edits) = reraise::bind_exception(checker, handler);
            let (cancelled, import) = reraise::cancelled_error(checker);
            let how = ReRaise::When(format!("isinstance({name}, {cancelled})"));
            edits.extend(import);
            edits.extend(reraise::reraise_at_exits(checker, &exits, &how));
            with_safety(edits, reraise::safety(checker, &exits, stmt))
        };
        let caught = handler.type_.as_deref().map_or(String::new(), |t| checker.editor.one_line(t));
        checker.report(Finding {
            rule: Rule::SwallowedCancellation,
            message: format!(
                "`except {caught}` {} without re-raising: {}",
                reraise::describe(&exits),
                reraise::consequence(&exits)
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
    let Some(suppressed) = count_snapshot::suppressed_cancellation(checker, with) else { return };
    let points = SuspensionPoints::of(&with.body);
    if !points.any() || points.awaits_existing_task(&checker.names) {
        return;
    }
    let (fix, reason) = count_snapshot::rewrite_suppress(checker, stmt, with);
    checker.report(Finding {
        rule: Rule::SwallowedCancellation,
        message: "`contextlib.suppress(CancelledError)` around an await swallows this task's own cancellation".to_string(),
        range: suppressed.range(),
        fix,
        reason,
    });
}
