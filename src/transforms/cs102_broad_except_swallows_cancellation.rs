//! CS102 broad-except-swallows-cancellation: bare `except:` / `except BaseException` (and, in
//! anyio or trio code, `except BaseExceptionGroup`) that ends without re-raising the task's
//! cancellation.
//! The rule's page is `transforms/CS102-broad-except-swallows-cancellation/README.md`.

use ruff_python_ast::{ExceptHandler, Stmt, StmtTry};

use super::{group_handlers, reraise};
use super::{Checker, Finding};
use crate::analysis::names::{Catches, Library};
use crate::analysis::suspension::SuspensionPoints;
use crate::rules::Rule;

pub fn try_statement<'a>(checker: &mut Checker<'a>, stmt: &Stmt, try_stmt: &'a StmtTry) {
    let points = SuspensionPoints::of(&try_stmt.body);
    if !points.any() {
        return;
    }
    for (index, ExceptHandler::ExceptHandler(handler)) in try_stmt.handlers.iter().enumerate() {
        let group = group_handlers::is_group_handler(checker, handler);
        if checker.names.catches(handler.type_.as_deref()) != Catches::Everything && !group {
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
        let clause = match handler.type_.as_deref() {
            None => "bare `except:`".to_string(),
            Some(type_) => format!("`except {}`", checker.editor.one_line(type_)),
        };
        checker.report(Finding {
            rule: Rule::BroadExceptSwallowsCancellation,
            message: format!(
                "{clause} catches the task's cancellation{}{} and {} without re-raising it",
                if library.is_structured() { format!(" (`{}`)", library.cancellation()) } else { String::new() },
                if group { " in the group a cancelled nursery or task group raises," } else { "" },
                reraise::describe(&exits),
            ),
            range: reraise::handler_header_range(handler),
            fix,
            reason,
        });
    }
}
