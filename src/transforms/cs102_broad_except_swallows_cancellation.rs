//! CS102 broad-except-swallows-cancellation: bare `except:` / `except BaseException` that ends
//! without re-raising the task's cancellation.
//! The rule's page is `transforms/CS102-broad-except-swallows-cancellation/README.md`.

use ruff_python_ast::{ExceptHandler, Stmt, StmtTry};

use super::reraise::{self, ReRaise};
use super::{Checker, Finding};
use crate::analysis::flow::is_guarded;
use crate::analysis::names::Catches;
use crate::analysis::suspension::SuspensionPoints;
use crate::edits::with_safety;
use crate::rules::Rule;

pub fn try_statement(checker: &mut Checker, stmt: &Stmt, try_stmt: &StmtTry) {
    let points = SuspensionPoints::of(&try_stmt.body);
    if !points.any() || points.awaits_existing_task(&checker.names) {
        return;
    }
    for (index, ExceptHandler::ExceptHandler(handler)) in try_stmt.handlers.iter().enumerate() {
        if checker.names.catches(handler.type_.as_deref()) != Catches::Everything {
            continue;
        }
        // An earlier `except CancelledError` takes the cancellation before this handler sees it.
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
        let (fix, reason) = if try_stmt.is_star {
            (None, Some("`except*` binds an exception group, which no isinstance test fits; split out `except* CancelledError`".to_string()))
        } else {
            let (name, mut edits) = reraise::bind_exception(checker, handler);
            let (cancelled, import) = reraise::cancelled_error(checker);
            let how = ReRaise::When(format!("isinstance({name}, {cancelled})"));
            edits.extend(import);
            edits.extend(reraise::reraise_at_exits(checker, &exits, &how));
            with_safety(edits, reraise::safety(checker, &exits, stmt))
        };
        let clause = match handler.type_.as_deref() {
            None => "bare `except:`".to_string(),
            Some(type_) => format!("`except {}`", checker.editor.one_line(type_)),
        };
        checker.report(Finding {
            rule: Rule::BroadExceptSwallowsCancellation,
            message: format!(
                "{clause} catches the task's cancellation and {} without re-raising it",
                reraise::describe(&exits),
            ),
            range: reraise::handler_header_range(handler),
            fix,
            reason,
        });
    }
}
