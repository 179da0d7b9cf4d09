//! CS202 cancelled-task-never-awaited: `t.cancel()`, or a loop cancelling a set of tasks, with
//! nothing awaiting them afterwards: their cleanup races whatever the stopper does next, and
//! never runs if the loop closes first. In async code the fix awaits them right after the
//! cancel with `asyncio.gather(..., return_exceptions=True)`; sync code is reported only.
//! The rule's page is `transforms/CS202-cancelled-task-never-awaited/README.md`.

use ruff_diagnostics::Edit;
use ruff_python_ast::{ExceptHandler, Expr, Stmt, StmtFor, StmtFunctionDef};
use ruff_source_file::LineRanges;
use ruff_text_size::{Ranged, TextRange};

use super::cs103_foreign_cancel_swallows_own_cancel::suppressed_cancellation;
use super::task_refs::{kind_of_value, same_elements, Kind, Reference};
use super::{reraise, suite_containing, Checker, Finding, Safety};
use crate::analysis::names::Catches;
use crate::edits::{with_safety, Snippet, Suite};
use crate::rules::Rule;

pub fn statement<'a>(checker: &mut Checker<'a>, stmt: &'a Stmt) {
    let Some(function) = enclosing_function(checker) else { return };
    let Some(cancel) = Cancel::of(checker, function, stmt) else { return };
    let function_name = function.name.as_str();
    let no_fix = if function_name == "__del__" {
        Some(format!("`__del__` cannot await: cancel and await the {} in an async `close()` instead", cancel.noun()))
    } else if !function.is_async {
        Some(format!(
            "`{function_name}` is not async, so it cannot await the {}: await {} where the shutdown is async, or have `{function_name}` start an async stopper that cancels and awaits {}",
            cancel.noun(),
            cancel.pronoun(),
            cancel.pronoun()
        ))
    } else {
        cancel.no_fix.clone()
    };
    // Cancels right next to each other are awaited together, so every task is cancelled before
    // the first cleanup is waited for; each of their findings carries the same edit.
    let run = match no_fix {
        Some(_) => Vec::new(),
        None => run_around(checker, function, stmt),
    };
    let placement = match no_fix {
        Some(why) => Err(why),
        None => wait_placement(checker, run.last().map_or(stmt, |c| c.stmt)),
    };
    let (fix, reason) = match placement {
        Err(why) => (None, Some(why)),
        Ok((suite, anchor)) => {
            let (asyncio, import) = reraise::asyncio_module(checker);
            let mut awaited: Vec<&str> = Vec::new();
            for awaitable in run.iter().map(|c| c.awaitable.as_str()) {
                if !awaited.contains(&awaitable) {
                    awaited.push(awaitable);
                }
            }
            let arguments: Vec<String> = awaited.iter().map(|a| a.to_string()).chain(["return_exceptions=True".to_string()]).collect();
            let gather = Snippet::call(format!("await {asyncio}.gather"), &arguments);
            let mut edits = wait_after(checker, suite, anchor, &gather);
            edits.extend(import);
            let plural = run.len() > 1 || cancel.several;
            let verdict = Safety::unsafe_because(format!(
                "`{function_name}` now waits until the cancelled {} finished before it goes on: {} cleanup runs first, and `{function_name}` waits forever if {} its cancel or is the one running `{function_name}`",
                if plural { "tasks have" } else { "task has" },
                if plural { "their" } else { "its" },
                if plural { "one of them ignores" } else { "the task ignores" },
            ));
            with_safety(edits, checker.safety(verdict))
        }
    };
    checker.report(Finding {
        rule: Rule::CancelledTaskNeverAwaited,
        message: format!(
            "{} cancelled but never awaited: {} cleanup races whatever `{function_name}` does next, and never runs if the event loop closes first",
            cancel.described,
            if cancel.several { "their" } else { "its" },
        ),
        range: cancel.range,
        fix,
        reason,
    });
}

/// Where the wait goes: right after `last`, the last cancel — or, when that ends a
/// `with suppress(CancelledError):` block, after the block, where a cancel of this task during
/// the wait is not swallowed. A `try` whose handler may swallow such a cancel gets no fix.
fn wait_placement<'a>(checker: &Checker<'a>, last: &'a Stmt) -> Result<(Suite<'a>, &'a Stmt), String> {
    let mut anchor = last;
    let mut suite = checker.suite_of(last);
    let ancestors: Vec<&'a Stmt> = checker.ancestors().collect();
    for (index, ancestor) in ancestors.iter().enumerate() {
        match ancestor {
            Stmt::With(with) if suppressed_cancellation(checker, with).is_some() => {
                let is_last = with.body.last().is_some_and(|s| std::ptr::eq(s, anchor));
                let outer = ancestors.get(index + 1).and_then(|parent| suite_containing(parent, *ancestor));
                match (is_last, outer) {
                    (true, Some((outer, _))) => {
                        anchor = ancestor;
                        suite = outer;
                    }
                    _ => return Err("the cancel sits inside `suppress(CancelledError)`, which would swallow a cancel of this task during the wait: move the cancel out of it".to_string()),
                }
            }
            Stmt::Try(try_stmt) if try_stmt.body.iter().any(|s| s.range().contains_range(anchor.range())) => {
                let swallows = try_stmt.handlers.iter().any(|ExceptHandler::ExceptHandler(handler)| {
                    checker.names.catches(handler.type_.as_deref()) != Catches::Nothing && !checker.exit_finder().exits(handler).is_empty()
                });
                if swallows {
                    return Err("the cancel sits in a `try` whose handler may swallow a cancel of this task during the wait".to_string());
                }
            }
            Stmt::FunctionDef(_) => break,
            _ => {}
        }
    }
    Ok((suite, anchor))
}

/// The edits that put `wait` right after `anchor`, a statement of `suite`. A suite written on
/// its header's line (`if task: task.cancel()`) is broken onto lines of its own first.
fn wait_after(checker: &Checker, suite: Suite, anchor: &Stmt, wait: &Snippet) -> Vec<Edit> {
    let editor = &checker.editor;
    let next = suite.stmts.iter().find(|s| s.start() >= anchor.end());
    let on_header_line = suite.stmts.first().is_some_and(|first| {
        let line_start = checker.source().line_start(first.start());
        !checker.source()[TextRange::new(line_start, first.start())].trim().is_empty()
    });
    match next {
        None => editor.append(suite, wait),
        Some(next) if on_header_line => editor.insert_before(suite, next, wait),
        Some(_) => vec![editor.insert_after(suite, anchor, wait)],
    }
}

/// The function the statement being visited is in.
fn enclosing_function<'a>(checker: &Checker<'a>) -> Option<&'a StmtFunctionDef> {
    match checker.ancestors().last() {
        Some(Stmt::FunctionDef(function)) => Some(function),
        _ => None,
    }
}

/// The cancels of unawaited tasks right before and after `stmt` in its suite, `stmt`'s included,
/// in order: awaited by one `gather` after the last of them.
fn run_around<'a>(checker: &Checker<'a>, function: &'a StmtFunctionDef, stmt: &'a Stmt) -> Vec<Cancel<'a>> {
    let stmts = checker.suite_of(stmt).stmts;
    let Some(index) = stmts.iter().position(|s| std::ptr::eq(s, stmt)) else { return Vec::new() };
    let fixable = |s: &'a Stmt| Cancel::of(checker, function, s).filter(|c| c.no_fix.is_none());
    let before = stmts[..index].iter().rev().map_while(fixable).collect::<Vec<_>>();
    let after = stmts[index..].iter().map_while(fixable);
    before.into_iter().rev().chain(after).collect()
}

/// A statement that cancels tasks nobody awaits afterwards.
struct Cancel<'a> {
    stmt: &'a Stmt,
    /// Where the finding points: the `cancel()` call, or the loop's `for … in …` header.
    range: TextRange,
    /// How the fix's `gather` names the tasks: `self._task`, `*tasks`, `*self._jobs.values()`.
    awaitable: String,
    /// For the message: "`self._task` is", "the tasks in `self._jobs` are".
    described: String,
    /// A whole set of tasks, not one.
    several: bool,
    /// Why awaiting them right after the cancel would be wrong, if it would.
    no_fix: Option<String>,
}

impl<'a> Cancel<'a> {
    fn of(checker: &Checker<'a>, function: &'a StmtFunctionDef, stmt: &'a Stmt) -> Option<Self> {
        match stmt {
            Stmt::Expr(expr) => {
                let receiver = cancelled_receiver(&expr.value)?;
                let reference = Reference::of(receiver, function)?;
                if reference.kind(checker, function) != Kind::TASK || reference.escapes(checker, function, stmt) {
                    return None;
                }
                let text = checker.editor.one_line(receiver);
                let no_fix = reference.runs_inside(checker, function);
                Some(Cancel { stmt, range: expr.value.range(), described: format!("`{text}` is"), awaitable: text, several: false, no_fix })
            }
            Stmt::For(for_stmt) => Self::of_loop(checker, function, stmt, for_stmt),
            _ => None,
        }
    }

    /// `for t in tasks: t.cancel()` (also `if not t.done(): t.cancel()`, over `tasks.values()`,
    /// `list(tasks)`, `asyncio.all_tasks()`).
    fn of_loop(checker: &Checker<'a>, function: &'a StmtFunctionDef, stmt: &'a Stmt, for_stmt: &'a StmtFor) -> Option<Self> {
        let Expr::Name(variable) = for_stmt.target.as_ref() else { return None };
        if for_stmt.is_async || !for_stmt.orelse.is_empty() {
            return None;
        }
        let cancels_each = match loop_cancels(&for_stmt.body, variable.id.as_str()) {
            LoopCancels::Nothing => return None,
            LoopCancels::Every => true,
            LoopCancels::Some => false,
        };
        if Reference::escapes_in_loop(checker, for_stmt, variable.id.as_str()) {
            return None;
        }
        let iter = for_stmt.iter.as_ref();
        let header = TextRange::new(for_stmt.start(), iter.end());
        let mut no_fix = (!cancels_each).then(|| {
            "the loop cancels only some of the tasks, and awaiting them all would wait for those left running".to_string()
        });
        let collection = same_elements(iter);
        let kind = match collection {
            Expr::Call(_) => kind_of_value(checker, function, collection),
            _ => {
                let reference = Reference::of(collection, function)?;
                if reference.escapes(checker, function, stmt) || reference.awaited_until_empty(checker, function, stmt) {
                    return None;
                }
                if let Some(why) = reference.runs_inside(checker, function) {
                    no_fix.get_or_insert(why);
                }
                reference.kind(checker, function)
            }
        };
        let text = checker.editor.one_line(iter);
        match kind {
            Kind::TASKS => {}
            Kind::AllTasks { excludes_current: true } if !matches!(collection, Expr::Call(_)) => {}
            Kind::AllTasks { .. } => {
                no_fix.get_or_insert_with(|| {
                    "the tasks include the one running this code, and awaiting it from itself never ends: leave `asyncio.current_task()` out of the set".to_string()
                });
            }
            _ => return None,
        }
        let described = format!("the tasks in `{}` are", checker.editor.one_line(collection));
        Some(Cancel { stmt, range: header, awaitable: format!("*{text}"), described, several: true, no_fix })
    }

    fn noun(&self) -> &'static str {
        if self.several {
            "tasks"
        } else {
            "task"
        }
    }

    fn pronoun(&self) -> &'static str {
        if self.several {
            "them"
        } else {
            "it"
        }
    }
}

/// `x.cancel()` (with or without a message): `x`.
fn cancelled_receiver(expr: &Expr) -> Option<&Expr> {
    let Expr::Call(call) = expr else { return None };
    let Expr::Attribute(method) = call.func.as_ref() else { return None };
    (method.attr.as_str() == "cancel" && call.arguments.args.len() <= 1).then_some(method.value.as_ref())
}

enum LoopCancels {
    Nothing,
    Every,
    Some,
}

/// Does the loop body cancel its variable on every turn (`t.cancel()`, or only when
/// `not t.done()`), only on some, or never?
fn loop_cancels(body: &[Stmt], variable: &str) -> LoopCancels {
    let cancels_variable = |stmt: &Stmt| {
        matches!(stmt, Stmt::Expr(expr) if cancelled_receiver(&expr.value).is_some_and(|r| matches!(r, Expr::Name(n) if n.id.as_str() == variable)))
    };
    let mut found = LoopCancels::Nothing;
    for stmt in body {
        if cancels_variable(stmt) {
            return LoopCancels::Every;
        }
        if let Stmt::If(if_stmt) = stmt {
            if if_stmt.body.iter().any(cancels_variable) {
                let only_skips_finished = if_stmt.elif_else_clauses.is_empty() && tests_only_state(&if_stmt.test, variable);
                found = if only_skips_finished { LoopCancels::Every } else { LoopCancels::Some };
            }
        }
    }
    found
}

/// `not t.done()`, `not t.cancelled()`, `t is not None` and their `and`s: a test that skips only
/// tasks that need no cancel.
fn tests_only_state(test: &Expr, variable: &str) -> bool {
    let is_variable = |expr: &Expr| matches!(expr, Expr::Name(n) if n.id.as_str() == variable);
    match test {
        Expr::BoolOp(bool_op) if bool_op.op.is_and() => bool_op.values.iter().all(|v| tests_only_state(v, variable)),
        Expr::UnaryOp(unary) if unary.op.is_not() => match unary.operand.as_ref() {
            Expr::Call(call) => {
                call.arguments.is_empty()
                    && matches!(call.func.as_ref(), Expr::Attribute(a) if matches!(a.attr.as_str(), "done" | "cancelled") && is_variable(&a.value))
            }
            _ => false,
        },
        Expr::Compare(compare) => is_variable(&compare.left) && compare.comparators.iter().all(Expr::is_none_literal_expr),
        other => is_variable(other),
    }
}

