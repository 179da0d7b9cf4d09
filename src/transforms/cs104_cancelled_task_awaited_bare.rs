//! CS104 cancelled-task-awaited-bare: `t.cancel()` then `await t` with no handler for
//! `CancelledError`: the awaiting task raises `CancelledError` although nobody cancelled it.
//! The rule's page is `transforms/CS104-cancelled-task-awaited-bare/README.md`.

use ruff_python_ast::statement_visitor::{walk_stmt, StatementVisitor};
use ruff_python_ast::visitor::{walk_expr, Visitor};
use ruff_python_ast::{ExceptHandler, Expr, Stmt};
use ruff_text_size::Ranged;

use super::cs103_foreign_cancel_swallows_own_cancel::{suppressed_cancellation, CountSnapshot};
use super::{Checker, Finding, Safety};
use crate::analysis::names::Catches;
use crate::analysis::suspension::awaited_tasks;
use crate::edits::{with_safety, Suite};
use crate::rules::Rule;

pub fn statement(checker: &mut Checker, stmt: &Stmt) {
    let (value, is_bare) = match stmt {
        Stmt::Expr(expr) => (expr.value.as_ref(), true),
        Stmt::Assign(assign) => (assign.value.as_ref(), false),
        Stmt::AnnAssign(assign) => match assign.value.as_deref() {
            Some(value) => (value, false),
            None => return,
        },
        _ => return,
    };
    let Expr::Await(await_expr) = value else { return };
    let suite = checker.suite_of(stmt);
    let mut cancelled: Vec<String> = Vec::new();
    for earlier in suite.stmts.iter().take_while(|s| s.start() < stmt.start()) {
        cancelled.extend(cancelled_references(checker, earlier));
        // `t.cancel()` then `t = create_task(...)`: the awaited task is the new one.
        let rebound = rebound_references(checker, earlier);
        cancelled.retain(|c| !rebound.contains(c));
    }
    let Some(task) = awaited_tasks(&await_expr.value, &checker.names).find(|task| {
        let text = checker.editor.text(reference_of(task));
        cancelled.iter().any(|c| c == text)
    }) else {
        return;
    };
    if is_protected(checker, stmt) || reraised_right_after(checker, suite, stmt) {
        return;
    }
    let task_text = checker.editor.one_line(reference_of(task));
    let (fix, reason) = match CountSnapshot::new(checker) {
        Err(why) => (None, Some(why)),
        Ok(_) if !is_bare => (None, Some("the awaited result is assigned, and on the swallow path it would be unset".to_string())),
        Ok(snapshot) => {
            let mut edits = snapshot.imports().to_vec();
            edits.extend(checker.editor.wrap_in_try(suite, stmt, &snapshot.take(), &snapshot.handler()));
            with_safety(edits, checker.safety(Safety::Safe))
        }
    };
    checker.report(Finding {
        rule: Rule::CancelledTaskAwaitedBare,
        message: format!(
            "awaiting `{task_text}` right after cancelling it raises `CancelledError` here although this task was not cancelled"
        ),
        range: await_expr.range(),
        fix,
        reason,
    });
}

/// `*tasks` → `tasks`.
fn reference_of(expr: &Expr) -> &Expr {
    match expr {
        Expr::Starred(starred) => &starred.value,
        other => other,
    }
}

/// What a statement cancels: `t.cancel()` → `t` (also inside an `if`); `for t in tasks:
/// t.cancel()` → `tasks`.
fn cancelled_references(checker: &Checker, stmt: &Stmt) -> Vec<String> {
    struct Cancels<'s> {
        source: &'s str,
        found: Vec<String>,
    }
    impl<'a> Visitor<'a> for Cancels<'_> {
        fn visit_expr(&mut self, expr: &'a Expr) {
            if let Expr::Call(call) = expr {
                if let Expr::Attribute(attribute) = call.func.as_ref() {
                    if attribute.attr.as_str() == "cancel" && call.arguments.is_empty() {
                        self.found.push(self.source[attribute.value.range()].to_string());
                    }
                }
            }
            walk_expr(self, expr);
        }
    }
    let source = checker.source();
    let mut cancels = Cancels { source, found: Vec::new() };
    match stmt {
        Stmt::Expr(_) | Stmt::If(_) => cancels.visit_stmt(stmt),
        Stmt::For(for_stmt) => {
            cancels.visit_body(&for_stmt.body);
            let target = &source[for_stmt.target.range()];
            if cancels.found.iter().any(|c| c == target) {
                cancels.found.push(source[for_stmt.iter.range()].to_string());
            }
        }
        _ => {}
    }
    cancels.found
}

/// What a statement assigns to (`t = …`, `self._task: Task = …`), as source text.
fn rebound_references(checker: &Checker, stmt: &Stmt) -> Vec<String> {
    struct Assigns<'s> {
        source: &'s str,
        found: Vec<String>,
    }
    impl<'a> StatementVisitor<'a> for Assigns<'_> {
        fn visit_stmt(&mut self, stmt: &'a Stmt) {
            match stmt {
                Stmt::Assign(assign) => self.found.extend(assign.targets.iter().map(|t| self.source[t.range()].to_string())),
                Stmt::AnnAssign(assign) if assign.value.is_some() => self.found.push(self.source[assign.target.range()].to_string()),
                Stmt::FunctionDef(_) | Stmt::ClassDef(_) => return,
                _ => {}
            }
            walk_stmt(self, stmt);
        }
    }
    let mut assigns = Assigns { source: checker.source(), found: Vec::new() };
    assigns.visit_stmt(stmt);
    assigns.found
}

/// `except CancelledError: t.cancel(); await t; raise` — this task is being cancelled and
/// re-raises right after, so the child's `CancelledError` ends it just as the `raise` would.
fn reraised_right_after(checker: &Checker, suite: Suite, stmt: &Stmt) -> bool {
    let next = suite.stmts.iter().find(|s| s.start() >= stmt.end());
    if !matches!(next, Some(Stmt::Raise(raise)) if raise.exc.is_none()) {
        return false;
    }
    checker.ancestors().any(|ancestor| match ancestor {
        Stmt::Try(try_stmt) => try_stmt.handlers.iter().any(|ExceptHandler::ExceptHandler(h)| {
            h.range().contains_range(stmt.range()) && checker.names.catches(h.type_.as_deref()) == Catches::OnlyCancellation
        }),
        _ => false,
    })
}

/// Inside a `try` whose handlers catch cancellation, or a `suppress(CancelledError)`.
fn is_protected(checker: &Checker, stmt: &Stmt) -> bool {
    checker.ancestors().any(|ancestor| match ancestor {
        Stmt::Try(try_stmt) => {
            try_stmt.body.iter().any(|s| s.range().contains_range(stmt.range()))
                && try_stmt
                    .handlers
                    .iter()
                    .any(|ExceptHandler::ExceptHandler(h)| checker.names.catches(h.type_.as_deref()) != Catches::Nothing)
        }
        Stmt::With(with) => suppressed_cancellation(checker, with).is_some(),
        _ => false,
    })
}
