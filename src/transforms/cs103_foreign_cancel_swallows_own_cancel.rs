//! CS103 foreign-cancel-swallows-own-cancel: a handler (or `contextlib.suppress`) around
//! awaiting an existing task swallows the other task's `CancelledError` — fine — and this
//! task's own cancellation with it. Also home of the count-snapshot form that CS101's suppress
//! fix and CS104 share.
//! The rule's page is `transforms/CS103-foreign-cancel-swallows-own-cancel/README.md`.

use ruff_diagnostics::{Edit, Fix};
use ruff_python_ast::{ExceptHandler, Expr, PythonVersion, Stmt, StmtTry, StmtWith};
use ruff_text_size::{Ranged, TextSize};

use super::reraise::{self, ReRaise};
use super::{Checker, Finding, Safety};
use crate::analysis::flow::is_guarded;
use crate::analysis::names::Catches;
use crate::analysis::suspension::SuspensionPoints;
use crate::edits::{with_safety, Snippet};
use crate::rules::Rule;

pub fn try_statement(checker: &mut Checker, stmt: &Stmt, try_stmt: &StmtTry) {
    if !SuspensionPoints::of(&try_stmt.body).awaits_existing_task(&checker.names) {
        return;
    }
    for (index, ExceptHandler::ExceptHandler(handler)) in try_stmt.handlers.iter().enumerate() {
        if checker.names.catches(handler.type_.as_deref()) == Catches::Nothing {
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
        let (fix, reason) = match CountSnapshot::new(checker) {
            Ok(snapshot) => {
                let mut edits = snapshot.take_before(checker, stmt);
                edits.extend(reraise::reraise_at_exits(checker, &exits, &ReRaise::When(snapshot.increased())));
                with_safety(edits, reraise::safety(checker, &exits, stmt))
            }
            Err(why) => (None, Some(why)),
        };
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
    let (fix, reason) = rewrite_suppress(checker, stmt, with);
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

/// Rewrites `with suppress(CancelledError): body` into the count-snapshot `try`/`except`;
/// the fix with the reason it is unsafe, or the reason there is none.
pub fn rewrite_suppress(checker: &Checker, stmt: &Stmt, with: &StmtWith) -> (Option<Fix>, Option<String>) {
    let snapshot = match CountSnapshot::new(checker) {
        Ok(snapshot) => snapshot,
        Err(why) => return (None, Some(why)),
    };
    let Some(colon) = with.items.last().and_then(|item| {
        let offset = checker.source()[item.end().to_usize()..].find(':')?;
        Some(item.end() + TextSize::try_from(offset).ok()?)
    }) else {
        return (None, Some("the `with` header could not be read".to_string()));
    };
    let suite = checker.suite_of(stmt);
    let mut edits = snapshot.take_before(checker, stmt);
    edits.push(Edit::replacement("try".to_string(), with.start(), colon));
    edits.push(checker.editor.insert_after(suite, stmt, &snapshot.handler()));
    let ancestors: Vec<&Stmt> = checker.ancestors().collect();
    let verdict = match checker.code_after(stmt, &ancestors) {
        Some(after) => Safety::Unsafe(format!("on cancel the block used to carry on to {after}, which the re-raise now skips")),
        None => Safety::Safe,
    };
    with_safety(edits, checker.safety(verdict))
}

/// The count-snapshot form: remember `current_task().cancelling()` before the `try`, and in
/// the handler re-raise only if it grew — that is, only if *this* task was cancelled meanwhile.
/// Comparing with the snapshot (not with zero) keeps teardown that runs because the task is
/// already being cancelled working: there the count is already 1.
pub struct CountSnapshot {
    asyncio: String,
    variable: String,
    cancelled_error: String,
    imports: Vec<Edit>,
}

impl CountSnapshot {
    /// Below Python 3.11, which has no `Task.cancelling()`, the reason there is no fix.
    pub fn new(checker: &Checker) -> Result<Self, String> {
        if !checker.target_at_least(PythonVersion::PY311) {
            return Err("`Task.cancelling()` needs --target-version py311 or later".to_string());
        }
        let (asyncio, import) = reraise::asyncio_module(checker);
        let (cancelled_error, import2) = reraise::cancelled_error(checker);
        Ok(CountSnapshot {
            asyncio,
            variable: checker.fresh_name("cancels_before"),
            cancelled_error,
            imports: import.into_iter().chain(import2).collect(),
        })
    }

    /// `cancels_before = asyncio.current_task().cancelling()`
    pub fn take(&self) -> Snippet {
        Snippet::line(format!("{} = {}.current_task().cancelling()", self.variable, self.asyncio))
    }

    /// The edits that take the snapshot right before `stmt` (plus any import needed).
    pub fn take_before(&self, checker: &Checker, stmt: &Stmt) -> Vec<Edit> {
        let mut edits = self.imports.clone();
        edits.extend(checker.editor.insert_before(checker.suite_of(stmt), stmt, &self.take()));
        edits
    }

    /// `asyncio.current_task().cancelling() > cancels_before`
    pub fn increased(&self) -> String {
        format!("{}.current_task().cancelling() > {}", self.asyncio, self.variable)
    }

    /// The whole handler: `except CancelledError: if <increased>: raise`.
    pub fn handler(&self) -> Snippet {
        Snippet::line(format!("except {}:", self.cancelled_error))
            .then(1, format!("if {}:", self.increased()))
            .then(2, "raise")
    }

    pub fn imports(&self) -> &[Edit] {
        &self.imports
    }
}
