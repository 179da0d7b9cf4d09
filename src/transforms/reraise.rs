//! The one mechanism behind every handler fix: make each leaking exit of a handler re-raise,
//! after the handler's own code, and judge whether that is safe (docs/fix-forms.md).
//!
//! The form is chosen per handler. A plain `raise` is right only where the `CancelledError`
//! can only be this task's own. Where the `try` awaits something that may pass on someone
//! else's (a future another task cancelled, a job's stored result, a library's own), the
//! count-snapshot form re-raises only when this task's `cancelling()` count grew meanwhile, so
//! every path on which this task was not cancelled stays exactly as it was.

use ruff_diagnostics::{Edit, Fix};
use ruff_python_ast::{ExceptHandler, ExceptHandlerExceptHandler, Expr, ExprCall, PythonVersion, Stmt, StmtTry};
use ruff_text_size::{Ranged, TextRange, TextSize};

use super::group_handlers::{decides_cancel_part, holds_no_cancel, is_group_handler};
use super::{Checker, Follows, Safety};
use crate::analysis::calls::{callee_name, calls, Reach, LOG_METHODS};
use crate::analysis::flow::{is_guarded, ExitKind, HandlerExit};
use crate::analysis::names::{assigns_name, Catches, Library};
use crate::analysis::suspension::{awaited_tasks, SuspensionPoints};
use crate::edits::{with_safety, Snippet};

/// At most this many statements after the `try` are run before the re-raise to keep them
/// reachable; longer code is named in the unsafe reason instead.
const MAX_KEPT_STATEMENTS: usize = 3;

/// The leaking exits of the `index`th handler of `try_stmt`; `None` when it does not leak: an
/// earlier handler takes the cancellation, the handler decides about cancellation itself, or
/// every path re-raises (now or later in the function).
pub fn leaking_exits<'a>(checker: &Checker<'a>, try_stmt: &'a StmtTry, index: usize) -> Option<Vec<HandlerExit<'a>>> {
    let ExceptHandler::ExceptHandler(handler) = &try_stmt.handlers[index];
    let group = is_group_handler(checker, handler);
    // A group passes `except trio.Cancelled`: only a handler of groups or of everything takes it.
    let earlier_takes_it = try_stmt.handlers[..index].iter().any(|ExceptHandler::ExceptHandler(h)| {
        let catches = checker.names.catches(h.type_.as_deref());
        match group {
            true => catches == Catches::Everything || checker.names.catches_group(h.type_.as_deref()),
            false => catches != Catches::Nothing,
        }
    });
    if earlier_takes_it || is_guarded(handler) || group && decides_cancel_part(checker, handler) {
        return None;
    }
    let mut exits = checker.exit_finder().exits(handler);
    if group {
        exits.retain(|exit| !holds_no_cancel(checker, handler, exit));
    }
    (!exits.is_empty() && !kept_for_later(checker, handler)).then_some(exits)
}

/// Under anyio or trio, a swallow that ends a task: the handler falls off or returns with no
/// value, nothing of the function runs after the `try`, and the function is started as a task
/// in this module (`nursery.start_soon(f)`, `tg.start_soon(self.f)`, `@nursery.start_soon`).
/// The task ends either way, and the cancellation stays in effect at its scope (delivered again
/// at the parent's next checkpoint): nothing goes on after the cancel, so nothing leaks.
pub fn ends_a_spawned_task(checker: &Checker, stmt: &Stmt, exits: &[HandlerExit]) -> bool {
    let Some(function) = checker.enclosing_function().filter(|f| f.is_async) else { return false };
    let ends = exits.iter().all(|exit| matches!(exit.kind, ExitKind::FallsOff | ExitKind::Return) && !exit.in_nested_handler);
    if !ends {
        return false;
    }
    let ancestors: Vec<&Stmt> = checker.ancestors().collect();
    // A `return` inside the handler leaves at once; falling off reaches what follows the `try`.
    let falls_off = exits.iter().any(|exit| exit.kind == ExitKind::FallsOff);
    if falls_off && checker.code_after(stmt, &ancestors).is_some() {
        return false;
    }
    checker.handed_functions().started(function)
}

/// The fix that makes every exit in `exits` of `handler` (of `try_stmt`, the statement `stmt`)
/// re-raise the cancellation, with its verdict: the fix and the reason a finding carries.
pub fn fix_handler(
    checker: &Checker,
    stmt: &Stmt,
    try_stmt: &StmtTry,
    handler: &ExceptHandlerExceptHandler,
    exits: &[HandlerExit],
) -> (Option<Fix>, Option<String>) {
    let catches = checker.names.catches(handler.type_.as_deref());
    if try_stmt.is_star && catches != Catches::OnlyCancellation {
        return (None, Some("`except*` binds an exception group, which no isinstance test fits; split out `except* CancelledError`".to_string()));
    }
    let library = checker.handler_library(handler);
    let points = SuspensionPoints::of(&try_stmt.body);
    let mut edits = Vec::new();
    let mut verdict = Safety::Safe;
    let snapshot = if library.is_structured() {
        // No count snapshot: trio has no `cancelling()`, and anyio code runs on either backend.
        if let Some(source) = structured_foreign_source(checker, &points).filter(|_| library == Library::Anyio) {
            verdict = Safety::Unsafe(format!(
                "on the asyncio backend `await {}` may pass on a CancelledError that is not this task's own (another task's cancel, a stored result), and anyio has no cancel count that works on both backends to tell the two apart: the plain re-raise would turn it into a cancel of this task",
                checker.editor.short(source)
            ));
        } else if let Some(raise) = points.raised_cancellation(&checker.names) {
            verdict = Safety::Unsafe(format!(
                "the `try` raises the cancellation itself, at {}, which no cancel sent: the re-raise would end the task cancelled on that path too",
                checker.describe_statement(raise)
            ));
        }
        None
    } else {
        let primitives = checker.primitives_in_function();
        // A cancellation the code raises itself is foreign too: it did not grow the task's count.
        let own_raise = points.raised_cancellation(&checker.names);
        match (points.foreign_cancel_source(&checker.names, &primitives), own_raise, CountSnapshot::new(checker, stmt)) {
            (None, None, _) => None,
            (_, _, Ok(snapshot)) => Some(snapshot),
            // Awaiting an existing task is where the other task's cancel is expected (CS103):
            // without the count there is no telling it from this task's.
            (Some(_), _, Err(why)) if points.awaits_existing_task(&checker.names) => return (None, Some(why)),
            (None, Some(raise), Err(_)) => {
                verdict = Safety::Unsafe(format!(
                    "the `try` raises `CancelledError` itself, at {}, which no cancel sent, and below Python 3.11 the fix cannot tell it from this task's cancel: the re-raise would end the task cancelled on that path too",
                    checker.describe_statement(raise)
                ));
                None
            }
            (Some(source), _, Err(_)) => {
                verdict = Safety::Unsafe(format!(
                    "`await {}` may pass on a CancelledError that is not this task's own (another task's cancel, a stored result), and below Python 3.11 the fix cannot tell the two apart: the plain re-raise would turn it into a cancel of this task",
                    checker.editor.short(source)
                ));
                None
            }
        }
    };
    let needs_name = catches != Catches::OnlyCancellation || try_stmt.is_star || exits.iter().any(|e| e.in_nested_handler);
    // The fix tests and re-raises the caught exception by its `as` name, which must still be it.
    if let Some(bound) = handler.name.as_ref().filter(|_| needs_name) {
        if let Some(rebinding) = rebinding_of(&handler.body, bound.id.as_str()) {
            let why = format!(
                "the handler assigns `{bound}` before it exits ({}), so the fix cannot test or raise the caught exception by that name",
                checker.describe_statement(rebinding)
            );
            return (None, Some(why));
        }
    }
    let name = needs_name.then(|| {
        let (name, bind) = bind_exception(checker, handler);
        edits.extend(bind);
        name
    });
    let mut conditions = Vec::new();
    // A group handler raises the group's cancellation part (the scope takes a group of its own
    // cancellations) and keeps what it did with the other errors.
    let mut cancel_part = None;
    if catches != Catches::OnlyCancellation {
        let (cancelled, import) = cancellation_class(checker, library);
        if let Err(why) = shadowed(checker, &cancelled) {
            return (None, Some(why));
        }
        edits.extend(import);
        let caught = name.as_deref().unwrap_or_default();
        if is_group_handler(checker, handler) {
            conditions.push(format!("{caught}.subgroup({cancelled}) is not None"));
            cancel_part = Some(format!("raise {caught}.subgroup({cancelled})"));
        } else {
            conditions.push(format!("isinstance({caught}, {cancelled})"));
        }
    }
    if let Some(snapshot) = &snapshot {
        edits.extend(snapshot.take_before(checker, stmt));
        conditions.push(snapshot.increased());
    }
    let how = ReRaise {
        condition: (!conditions.is_empty()).then_some(conditions),
        raise: match (&cancel_part, &name, try_stmt.is_star) {
            (Some(part), _, _) => part.clone(),
            (None, Some(group), true) => format!("raise {group}.exceptions[0]"),
            _ => "raise".to_string(),
        },
        nested_raise: match (&cancel_part, &name, try_stmt.is_star) {
            (Some(part), _, _) => part.clone(),
            (None, Some(group), true) => format!("raise {group}.exceptions[0]"),
            (None, Some(name), false) => format!("raise {name}"),
            (None, None, _) => "raise".to_string(),
        },
    };
    let ancestors: Vec<&Stmt> = checker.ancestors().collect();
    for exit in exits {
        let plan = plan_exit(checker, exit, stmt, try_stmt, &ancestors, handler.name.as_ref().map(|n| n.id.as_str()), library);
        edits.extend(how.edits(checker, exit, &plan.first));
        if let Some(reason) = plan.reason {
            verdict = verdict.and(Safety::Unsafe(reason));
        }
    }
    if let Some(call) = handler.name.as_ref().and_then(|bound| handed_on(&handler.body, bound.id.as_str(), exits)) {
        verdict = verdict.and(Safety::Unsafe(format!(
            "the handler hands the caught exception to `{}`, which may deliver the cancellation where it is expected (a framework's error channel, a future's outcome); after the fix it is raised here as well",
            checker.editor.short(call)
        )));
    }
    with_safety(edits, checker.safety(verdict.and(swallow_safety(checker))))
}

/// The call of `body` (the handler's own code) that is handed the caught exception `name` as
/// an argument, other than one that only looks at it: a log line, `print`, `repr`,
/// `isinstance`, `traceback`'s printers, `warnings.warn`; nor one in a `raise` of the handler's
/// exits (a conversion, judged as such).
fn handed_on<'a>(body: &'a [Stmt], name: &str, exits: &[HandlerExit]) -> Option<&'a ExprCall> {
    const LOOKS_AT: &[&str] = &[
        "print", "str", "repr", "type", "isinstance", "issubclass", "format", "id", "hash", "vars", "len", "getattr", "hasattr",
        "print_exception", "format_exception", "print_exc", "format_exc", "format_exception_only", "TracebackException",
    ];
    let raises: Vec<TextRange> = exits.iter().filter(|exit| exit.kind == ExitKind::RaiseOther).filter_map(|exit| exit.stmt.map(Ranged::range)).collect();
    let is_name = |expr: &Expr| matches!(expr, Expr::Name(n) if n.id.as_str() == name);
    calls(body, Reach::OwnCode).into_iter().find(|call| {
        let passes = call.arguments.args.iter().any(is_name) || call.arguments.keywords.iter().any(|keyword| is_name(&keyword.value));
        passes
            && !callee_name(&call.func).is_some_and(|callee| LOOKS_AT.contains(&callee) || LOG_METHODS.contains(&callee))
            && !raises.iter().any(|raise| raise.contains_range(call.range()))
    })
}

/// `with contextlib.suppress(CancelledError): body` becomes the count-snapshot `try`/`except`
/// (a plain re-raise cannot tell whose cancel the suppress was for); the fix with its verdict.
pub fn fix_suppress(checker: &Checker, stmt: &Stmt) -> (Option<Fix>, Option<String>) {
    let snapshot = match CountSnapshot::new(checker, stmt) {
        Ok(snapshot) => snapshot,
        Err(why) => return (None, Some(why)),
    };
    // The header up to its colon, read from the tokens (a `:` in a comment is not it); its
    // comments are kept above the `try`.
    let suite = checker.suite_of(stmt);
    let header = checker.editor.replace_header(suite, stmt, "try");
    if header.is_empty() {
        return (None, Some("the `with` header could not be read".to_string()));
    }
    let ancestors: Vec<&Stmt> = checker.ancestors().collect();
    let (first, verdict) = match tail_after(checker, stmt, &ancestors, true, None) {
        Tail::Nothing => (Vec::new(), Safety::Safe),
        Tail::Keep(kept) => (kept, Safety::Safe),
        Tail::Skipped(after) => {
            (Vec::new(), Safety::Unsafe(format!("on cancel the block used to carry on to {after}, which the re-raise now skips")))
        }
    };
    let mut edits = snapshot.take_before(checker, stmt);
    edits.extend(header);
    let raise = guarded_raise(&[snapshot.increased()], &first, "raise");
    let handler = Snippet::line(format!("except {}:", snapshot.cancelled_error)).nest(1, raise);
    edits.push(checker.editor.insert_after(suite, stmt, &handler));
    with_safety(edits, checker.safety(verdict.and(swallow_safety(checker))))
}

/// How the exits re-raise: after `condition` (if any), with `raise` directly in the handler
/// and `nested_raise` inside an `except` nested in it.
struct ReRaise {
    /// Clauses that must all hold (`isinstance(...)`, the count grew).
    condition: Option<Vec<String>>,
    raise: String,
    nested_raise: String,
}

impl ReRaise {
    /// The edits that make `exit` re-raise, running `first` (source text of statements) before.
    fn edits(&self, checker: &Checker, exit: &HandlerExit, first: &[String]) -> Vec<Edit> {
        let editor = &checker.editor;
        let raise = if exit.in_nested_handler { &self.nested_raise } else { &self.raise };
        let snippet = match &self.condition {
            Some(condition) => guarded_raise(condition, first, raise),
            None => first.iter().fold(Snippet::default(), |s, line| s.then(0, line.clone())).then(0, raise.clone()),
        };
        match (exit.stmt, &self.condition) {
            (None, condition) => match exit.suite.stmts.last() {
                // A trailing `pass` only stood in for an empty body; with a comment, and the
                // swallow still there for other exceptions, it keeps describing that.
                Some(last) if last.is_pass_stmt() && !(condition.is_some() && editor.trailing_comment(last).is_some()) => {
                    editor.replace_moving_comment(exit.suite, last, &snippet)
                }
                Some(last) if last.is_pass_stmt() => editor.insert_before(exit.suite, last, &snippet),
                _ => editor.append(exit.suite, &snippet),
            },
            (Some(stmt), None) => editor.replace_moving_comment(exit.suite, stmt, &snippet),
            (Some(stmt), Some(_)) => editor.insert_before(exit.suite, stmt, &snippet),
        }
    }
}

/// `if <clauses>:` then `first` and `raise`.
fn guarded_raise(clauses: &[String], first: &[String], raise: &str) -> Snippet {
    let header = Snippet::if_all(clauses);
    first.iter().fold(header, |s, line| s.then(1, line.clone())).then(1, raise.to_string())
}

/// What an exit needs before its re-raise, and why re-raising there may be unsafe.
struct ExitPlan {
    /// Statements (source text) run before the re-raise: a returned value with side effects,
    /// the code after the `try` that the cancel path used to reach.
    first: Vec<String>,
    reason: Option<String>,
}

fn plan_exit<'a>(
    checker: &Checker<'a>,
    exit: &HandlerExit,
    stmt: &Stmt,
    try_stmt: &StmtTry,
    ancestors: &[&'a Stmt],
    bound: Option<&str>,
    library: Library,
) -> ExitPlan {
    let editor = &checker.editor;
    let plan = |first: Vec<String>, reason: Option<String>| ExitPlan { first, reason };
    // Code copied in front of the re-raise would run before the `try`'s `finally`, not after.
    let keepable = try_stmt.finalbody.is_empty();
    match exit.kind {
        ExitKind::Return => plan(Vec::new(), None),
        ExitKind::ReturnValue => {
            let value = match exit.stmt {
                Some(Stmt::Return(ret)) => ret.value.as_deref().filter(|v| !is_inert(v)).map(|v| editor.grouped_text(v).to_string()),
                _ => None,
            };
            let reason = exit.stmt.map(|s| format!("`{}` on the cancel path may be a result someone uses; the fix raises instead", editor.short(s)));
            plan(value.into_iter().collect(), reason)
        }
        // A cancel scope delivers its cancellation again at the next turn's checkpoint: the
        // loop cannot retry, it spins until it ends, so only what follows the loop matters.
        ExitKind::Continue if library.is_structured() => match ancestors.iter().position(|s| matches!(s, Stmt::For(_) | Stmt::While(_))) {
            Some(index) => spins_until_loop_ends(checker, ancestors, index, keepable, bound),
            None => plan(Vec::new(), Some("`continue` leaves for a loop the analysis cannot see".to_string())),
        },
        ExitKind::Continue => plan(Vec::new(), Some("`continue` keeps the loop going on cancel (a retry?); the fix ends it".to_string())),
        ExitKind::RaiseOther => plan(
            Vec::new(),
            exit.stmt.map(|s| format!("`{}` may convert the cancellation on purpose; the fix re-raises the cancellation instead", editor.short(s))),
        ),
        // Falling off into the loop's next turn is a `continue`: under a cancel scope the turn's
        // checkpoint raises again, so only what follows the loop matters.
        ExitKind::FallsOff if library.is_structured() && matches!(checker.what_follows(stmt, ancestors), Follows::NextTurn(_)) => {
            let Follows::NextTurn(each) = checker.what_follows(stmt, ancestors) else { unreachable!() };
            let index = ancestors.iter().position(|s| std::ptr::eq(*s, each)).unwrap_or_default();
            spins_until_loop_ends(checker, ancestors, index, keepable, bound)
        }
        ExitKind::FallsOff => match tail_after(checker, stmt, ancestors, keepable, bound) {
            Tail::Nothing => plan(Vec::new(), None),
            Tail::Keep(kept) => plan(kept, None),
            Tail::Skipped(after) => plan(Vec::new(), Some(format!("on cancel the handler used to carry on to {after}, which the re-raise now skips"))),
        },
        ExitKind::Break => match ancestors.iter().position(|s| matches!(s, Stmt::For(_) | Stmt::While(_))) {
            Some(index) => match tail_after(checker, ancestors[index], &ancestors[index + 1..], keepable, bound) {
                Tail::Nothing => plan(Vec::new(), None),
                Tail::Keep(kept) => plan(kept, None),
                Tail::Skipped(after) => plan(Vec::new(), Some(format!("`break` used to carry on to {after}, which the re-raise now skips"))),
            },
            None => plan(Vec::new(), Some("`break` leaves a loop the analysis cannot see".to_string())),
        },
    }
}

/// A cancelled scope's loop that turns again (`continue`, or falling off the turn's end): the
/// next turn's checkpoint raises again, so the loop spins until it ends, and only what follows
/// the loop (`ancestors[index]`) matters.
fn spins_until_loop_ends<'a>(checker: &Checker<'a>, ancestors: &[&'a Stmt], index: usize, keepable: bool, bound: Option<&str>) -> ExitPlan {
    let reason = |after: String| format!("the loop used to spin until it ended and carry on to {after}, which the re-raise now skips");
    match tail_after(checker, ancestors[index], &ancestors[index + 1..], keepable, bound) {
        Tail::Nothing => ExitPlan { first: Vec::new(), reason: None },
        Tail::Keep(kept) => ExitPlan { first: kept, reason: None },
        Tail::Skipped(after) => ExitPlan { first: Vec::new(), reason: Some(reason(after)) },
    }
}

/// What runs after `anchor` (the `try`, or the loop a `break` leaves) before the function
/// returns.
enum Tail {
    Nothing,
    /// A few simple statements that end the function: run them before the re-raise, so the
    /// cancel path still reaches them (an `exited` event a `stop()` waits on, a state reset).
    Keep(Vec<String>),
    /// Code the re-raise skips, in words.
    Skipped(String),
}

/// `bound` is the handler's `as` name: code that mentions it cannot move into the handler,
/// where the name is still bound.
fn tail_after<'a>(checker: &Checker<'a>, anchor: &Stmt, ancestors: &[&'a Stmt], keepable: bool, bound: Option<&str>) -> Tail {
    let Some(after) = checker.code_after(anchor, ancestors) else { return Tail::Nothing };
    let rest = checker.statements_after(anchor, ancestors);
    let (ends_with_return, body) = match rest.split_last() {
        Some((Stmt::Return(ret), body)) if ret.value.as_deref().is_none_or(Expr::is_none_literal_expr) => (true, body),
        _ => (false, rest),
    };
    let simple = |s: &Stmt| {
        let text = checker.editor.text(s);
        matches!(s, Stmt::Expr(_) | Stmt::Assign(_) | Stmt::AugAssign(_) | Stmt::AnnAssign(_))
            && !contains_word(text, "yield")
            && bound.is_none_or(|name| !contains_word(text, name))
    };
    // Only a bare `return` follows: nothing is skipped.
    if ends_with_return && body.is_empty() {
        return Tail::Nothing;
    }
    let ends_function = ends_with_return || body.last().is_some_and(|last| checker.code_after(last, ancestors).is_none());
    if keepable && !body.is_empty() && body.len() <= MAX_KEPT_STATEMENTS && body.iter().all(simple) && ends_function {
        return Tail::Keep(body.iter().map(|s| checker.editor.text(s).to_string()).collect());
    }
    Tail::Skipped(after)
}

/// The innermost statement in `body` (not in a nested function) that assigns `name`.
fn rebinding_of<'a>(body: &'a [Stmt], name: &str) -> Option<&'a Stmt> {
    use ruff_python_ast::statement_visitor::{walk_stmt, StatementVisitor};
    struct First<'a, 'n> {
        name: &'n str,
        found: Option<&'a Stmt>,
    }
    impl<'a> StatementVisitor<'a> for First<'a, '_> {
        fn visit_stmt(&mut self, stmt: &'a Stmt) {
            if self.found.is_some() || matches!(stmt, Stmt::FunctionDef(_) | Stmt::ClassDef(_)) {
                return;
            }
            // The statements inside first; then its own targets (`for name in`, `with … as name`).
            walk_stmt(self, stmt);
            if self.found.is_none() && assigns_name(stmt, self.name) {
                self.found = Some(stmt);
            }
        }
    }
    let mut first = First { name, found: None };
    first.visit_body(body);
    first.found
}

/// Whether `word` occurs in `text` as a whole word (crude, and enough to refuse a copy: a
/// `yield` would make it a different generator).
fn contains_word(text: &str, word: &str) -> bool {
    text.split(|c: char| !c.is_alphanumeric() && c != '_').any(|w| w == word)
}

/// Reasons that belong to the coroutine rather than to one handler: a swallow that is
/// deliberate (the `asyncio.run()` entry point, a self-cancel), and the stoppers that start
/// raising once this coroutine stops swallowing its cancel.
fn swallow_safety(checker: &Checker) -> Safety {
    let Some(function) = checker.enclosing_function().filter(|f| f.is_async) else { return Safety::Safe };
    let tasks = checker.tasks();
    let mut verdict = match tasks.deliberate(function) {
        Some(deliberate) => Safety::Unsafe(deliberate.reason()),
        None => Safety::Safe,
    };
    for read in tasks.outcome_readers_of(function) {
        verdict = verdict.and(Safety::Unsafe(format!(
            "this coroutine may run as a task whose result {} reads without checking `cancelled()`: once the task ends cancelled, that read raises CancelledError instead of returning",
            read.describe(checker.source())
        )));
    }
    for stopper in tasks.stoppers_of(function) {
        let why = match super::cs104_cancelled_task_awaited_bare::verdict(checker, stopper) {
            _ if !checker.settings.enabled(crate::rules::Rule::CancelledTaskAwaitedBare) => Some("CS104, its fix, is not selected".to_string()),
            Ok(Safety::Safe) => None,
            Ok(Safety::Unsafe(reason)) => Some(format!("its fix is unsafe: {reason}")),
            Err(reason) => Some(format!("it gets no fix: {reason}")),
        };
        if let Some(why) = why {
            verdict = verdict.and(Safety::Unsafe(format!(
                "this coroutine's task is cancelled and awaited by {}, which then raises CancelledError although nobody cancelled it ({why})",
                stopper.describe(checker.source())
            )));
        }
    }
    verdict
}

/// The count-snapshot form: remember `current_task().cancelling()` just before the `try` (no
/// suspension point lies between the two, so no cancel can land unseen), and in the handler
/// re-raise only if it grew — only if *this* task was cancelled meanwhile. Comparing with the
/// snapshot (not with zero) keeps teardown that runs because the task is already being
/// cancelled working: there the count is already 1. `asyncio.timeout()` inside the `try`
/// takes its own cancel back with `uncancel()`, so the count only grows for cancels that are
/// still this task's.
pub struct CountSnapshot {
    asyncio: String,
    variable: String,
    pub cancelled_error: String,
    imports: Vec<Edit>,
}

impl CountSnapshot {
    /// The snapshot for the `try` (or `with`, or awaiting statement) `stmt`; below Python 3.11,
    /// which has no `Task.cancelling()`, the reason there is none.
    pub fn new(checker: &Checker, stmt: &Stmt) -> Result<Self, String> {
        Self::available(checker)?;
        let (asyncio, import) = asyncio_module(checker);
        shadowed(checker, &asyncio)?;
        let (cancelled_error, import2) = cancelled_error(checker);
        Ok(CountSnapshot {
            asyncio,
            variable: checker.fresh_name_within("cancels_before", stmt.range()),
            cancelled_error,
            imports: import.into_iter().chain(import2).collect(),
        })
    }

    /// Whether the target has `Task.cancelling()` (3.11+); if not, why there is no snapshot.
    pub fn available(checker: &Checker) -> Result<(), String> {
        if checker.target_at_least(PythonVersion::PY311) {
            Ok(())
        } else {
            Err("`Task.cancelling()` needs --target-version py311 or later".to_string())
        }
    }

    /// `cancels_before = asyncio.current_task().cancelling()`
    pub fn take(&self) -> Snippet {
        Snippet::line(format!("{} = {}.current_task().cancelling()", self.variable, self.asyncio))
    }

    /// The edits that take the snapshot right before `stmt`, above the comments that belong
    /// to it (plus any import needed). Only comments lie between the two: no suspension point.
    pub fn take_before(&self, checker: &Checker, stmt: &Stmt) -> Vec<Edit> {
        let mut edits = self.imports.clone();
        edits.extend(checker.editor.insert_above(checker.suite_of(stmt), stmt, &self.take()));
        edits
    }

    /// `asyncio.current_task().cancelling() > cancels_before`
    pub fn increased(&self) -> String {
        format!("{}.current_task().cancelling() > {}", self.asyncio, self.variable)
    }

    /// `except CancelledError: if <increased>: raise`, then `after` (still in the handler).
    pub fn handler(&self, after: Snippet) -> Snippet {
        Snippet::line(format!("except {}:", self.cancelled_error)).nest(1, guarded_raise(&[self.increased()], &[], "raise")).nest(1, after)
    }

    pub fn imports(&self) -> &[Edit] {
        &self.imports
    }
}

/// Words for the message: "returns", "falls through or continues the loop".
pub fn describe(exits: &[HandlerExit]) -> String {
    let mut words: Vec<&str> = Vec::new();
    for exit in exits {
        let word = match exit.kind {
            ExitKind::FallsOff => "falls through",
            ExitKind::Return => "returns",
            ExitKind::ReturnValue => "returns a value",
            ExitKind::Break => "breaks out of the loop",
            ExitKind::Continue => "continues the loop",
            ExitKind::RaiseOther => "raises a different exception",
        };
        if !words.contains(&word) {
            words.push(word);
        }
    }
    match words.as_slice() {
        [] => String::new(),
        [one] => (*one).to_string(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

/// What the leak does to the task, for the message. Under a cancel scope (anyio, trio) the
/// cancellation comes back at the next checkpoint, so the cost is what runs until then.
pub fn consequence(exits: &[HandlerExit], library: Library) -> &'static str {
    let kinds = |kind: ExitKind| exits.iter().any(|exit| exit.kind == kind);
    if exits.iter().all(|exit| exit.kind == ExitKind::RaiseOther) {
        "the task ends with a different exception instead of ending cancelled"
    } else if !library.is_structured() {
        "the cancelled task carries on instead of ending cancelled"
    } else if kinds(ExitKind::Continue) {
        "the loop spins, each turn's checkpoint raising the cancellation again, instead of ending"
    } else if kinds(ExitKind::ReturnValue) {
        "its value leaves the cancelled scope as if the work had finished, and the code after it runs until the next checkpoint"
    } else {
        "the code after it runs although its scope was cancelled, until the next checkpoint raises the cancellation again"
    }
}

/// The first await that, on anyio's asyncio backend, may pass on a `CancelledError` that is not
/// this task's: an existing task or future (`await fut`, `wait_for(fut)`), or an asyncio call
/// other than `asyncio.sleep` / `asyncio.wait`. anyio's own calls and other coroutines deliver
/// the scope's or the task's own cancellation.
fn structured_foreign_source<'a>(checker: &Checker, points: &SuspensionPoints<'a>) -> Option<&'a Expr> {
    points.awaited.iter().copied().find(|expr| {
        awaited_tasks(expr, &checker.names).next().is_some()
            || matches!(expr, Expr::Call(call) if checker.names.asyncio_member(&call.func).is_some_and(|m| !matches!(m, "sleep" | "wait")))
    })
}

/// Evaluating it has no effect worth keeping: a literal, a name, an attribute of a name.
fn is_inert(expr: &Expr) -> bool {
    match expr {
        Expr::Name(_) | Expr::NoneLiteral(_) | Expr::BooleanLiteral(_) | Expr::NumberLiteral(_) | Expr::StringLiteral(_)
        | Expr::BytesLiteral(_) | Expr::EllipsisLiteral(_) => true,
        Expr::Attribute(attribute) => is_inert(&attribute.value),
        Expr::Tuple(tuple) => tuple.elts.iter().all(is_inert),
        Expr::List(list) => list.elts.iter().all(is_inert),
        Expr::UnaryOp(op) => is_inert(&op.operand),
        _ => false,
    }
}

/// The `except` keyword through the exception type: where handler findings point.
pub fn handler_header_range(handler: &ExceptHandlerExceptHandler) -> TextRange {
    let end = handler.type_.as_ref().map_or(handler.start() + TextSize::new(6), |t| t.end());
    TextRange::new(handler.start(), end)
}

/// The name the handler's exception is bound to, binding a fresh one (`as exc`) if needed:
/// a bare `except:` becomes `except BaseException as exc:`.
pub fn bind_exception(checker: &Checker, handler: &ExceptHandlerExceptHandler) -> (String, Vec<Edit>) {
    if let Some(name) = &handler.name {
        return (name.id.to_string(), Vec::new());
    }
    let name = checker.fresh_name("exc");
    let edits = match handler.type_.as_deref() {
        None => {
            let named = Edit::insertion(format!(" BaseException as {name}"), handler.start() + TextSize::new(6));
            let retired = crate::noqa::retire_codes(checker.parsed, checker.source(), handler.start(), crate::noqa::BARE_EXCEPT_CODES);
            std::iter::once(named).chain(retired).collect()
        }
        // `except A, B:` (3.14) cannot take `as` without parentheses.
        Some(Expr::Tuple(tuple)) if !tuple.parenthesized => vec![
            Edit::insertion("(".to_string(), tuple.start()),
            Edit::insertion(format!(") as {name}"), tuple.end()),
        ],
        Some(type_) => vec![Edit::insertion(format!(" as {name}"), checker.editor.grouped_range(type_).end())],
    };
    (name, edits)
}

/// The spelling of `asyncio.CancelledError` for inserted code, with the import it may need.
pub fn cancelled_error(checker: &Checker) -> (String, Option<Edit>) {
    cancellation_class(checker, Library::Asyncio)
}

/// The spelling of `library`'s cancellation class for inserted code (`trio.Cancelled`,
/// `anyio.get_cancelled_exc_class()`), with the import it may need.
pub fn cancellation_class(checker: &Checker, library: Library) -> (String, Option<Edit>) {
    let (spelling, needs_import) = checker.names.cancellation_spelling(library);
    (spelling, needs_import.then(|| checker.editor.add_import(checker.parsed, library.module(), None)))
}

/// Refuses inserted code that spells a module-level name (`asyncio.current_task()`,
/// `trio.Cancelled`) which a function around it binds itself.
fn shadowed(checker: &Checker, spelling: &str) -> Result<(), String> {
    let root = spelling.split(['.', '(']).next().unwrap_or(spelling);
    match checker.binds_locally(root) {
        true => Err(format!("the function binds `{root}` itself, which the fix's `{spelling}` would read instead of the module's")),
        false => Ok(()),
    }
}

/// The spelling of the `asyncio` module for inserted code, with the import it may need.
pub fn asyncio_module(checker: &Checker) -> (String, Option<Edit>) {
    let (spelling, needs_import) = checker.names.asyncio_spelling();
    (spelling, needs_import.then(|| checker.editor.add_import(checker.parsed, "asyncio", None)))
}

/// The handler stores the exception (`err = e`, `errors.append(e)`) and the function raises
/// it later: the cancellation is deferred, not swallowed.
pub fn kept_for_later(checker: &Checker, handler: &ExceptHandlerExceptHandler) -> bool {
    use ruff_python_ast::statement_visitor::{walk_stmt, StatementVisitor};
    let places = crate::analysis::flow::storage_of_exception(handler, checker.source());
    if places.is_empty() {
        return false;
    }
    let Some(function) = checker.enclosing_function() else { return false };
    struct LaterRaise<'p, 's> {
        after: TextSize,
        places: &'p [&'s str],
        source: &'s str,
        found: bool,
    }
    impl<'a> StatementVisitor<'a> for LaterRaise<'_, '_> {
        fn visit_stmt(&mut self, stmt: &'a Stmt) {
            if let Stmt::Raise(raise) = stmt {
                if let Some(exc) = &raise.exc {
                    let text = &self.source[exc.range()];
                    self.found |= stmt.start() >= self.after && self.places.iter().any(|place| text.contains(place));
                }
            }
            walk_stmt(self, stmt);
        }
    }
    let mut later = LaterRaise { after: handler.end(), places: &places, source: checker.source(), found: false };
    later.visit_body(&function.body);
    later.found
}
