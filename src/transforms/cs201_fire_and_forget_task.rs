//! CS201 fire-and-forget-task: a task spawned and dropped can be garbage-collected mid-flight
//! and cannot be cancelled at shutdown. The fix hands it to a tracked-set helper.
//! The rule's page is `transforms/CS201-fire-and-forget-task/README.md`.

use ruff_diagnostics::Edit;
use ruff_python_ast::visitor::{walk_expr, Visitor};
use ruff_python_ast::{Expr, ExprCall, ExprContext, PythonVersion, Stmt};
use ruff_text_size::Ranged;

use super::{module_helper, reraise, Checker, Finding, Safety};
use crate::edits::{with_safety, Snippet};
use crate::rules::Rule;

/// The names of the helper, local to a module or public in a shared helper module.
struct HelperNames {
    set: String,
    track: String,
    cancel_all: String,
}

/// The tracking function's name in a shared helper module.
const SHARED_TRACK: &str = "track_task";

impl HelperNames {
    /// Private names for a module's own copy, made fresh where the module uses them already.
    fn local(checker: &Checker) -> Self {
        HelperNames {
            set: checker.fresh_name("_background_tasks"),
            track: checker.fresh_name("_track_task"),
            cancel_all: checker.fresh_name("_cancel_tracked_tasks"),
        }
    }

    /// The public names of a shared helper module.
    fn shared() -> Self {
        HelperNames {
            set: "background_tasks".to_string(),
            track: SHARED_TRACK.to_string(),
            cancel_all: "cancel_tracked_tasks".to_string(),
        }
    }
}

/// An expression statement or an assignment whose value is a spawn.
pub fn statement(checker: &mut Checker, stmt: &Stmt) {
    let (value, target) = match stmt {
        Stmt::Expr(expr) => (expr.value.as_ref(), None),
        Stmt::Assign(assign) => match assign.targets.as_slice() {
            [Expr::Name(name)] => (assign.value.as_ref(), Some(name)),
            _ => return,
        },
        Stmt::AnnAssign(assign) => match (assign.target.as_ref(), assign.value.as_deref()) {
            (Expr::Name(name), Some(value)) => (value, Some(name)),
            _ => return,
        },
        _ => return,
    };
    let Expr::Call(call) = value else { return };
    let Some(spawn) = spawn_kind(checker, call) else { return };
    // Only now, for a spawn, scan the function for reads of the name.
    let dropped_as = match target {
        None => "its result is dropped",
        Some(name) if checker.in_function() && !is_read(checker, &name.id) => "it is assigned to a name that is never read",
        Some(_) => return,
    };
    report(checker, call, Some(stmt), spawn, dropped_as);
}

/// `loop.add_signal_handler(sig, lambda: asyncio.create_task(stop()))`: the loop drops what
/// the callback returns.
pub fn callback_registration(checker: &mut Checker, call: &ExprCall) {
    const REGISTRATIONS: [&str; 4] = ["add_signal_handler", "call_soon", "call_later", "call_soon_threadsafe"];
    let Expr::Attribute(method) = call.func.as_ref() else { return };
    if !REGISTRATIONS.contains(&method.attr.as_str()) {
        return;
    }
    for argument in &call.arguments.args {
        if let Expr::Lambda(lambda) = argument {
            if let Expr::Call(body) = lambda.body.as_ref() {
                if let Some(spawn) = spawn_kind(checker, body) {
                    report(checker, body, None, spawn, "the loop drops what the callback returns");
                }
            }
        }
    }
}

/// `statement`: the statement whose value the call is (`None` inside a lambda).
fn report(checker: &mut Checker, call: &ExprCall, statement: Option<&Stmt>, spawn: &str, dropped_as: &str) {
    let (fix, reason) = match tracking_edits(checker) {
        Some((track, mut edits)) => {
            edits.extend(checker.editor.wrap_in_call(call.range(), &track, statement, 0));
            with_safety(edits, checker.safety(Safety::Safe))
        }
        None => (None, None),
    };
    checker.report(Finding {
        rule: Rule::FireAndForgetTask,
        message: format!(
            "task from `{spawn}` is not kept: {dropped_as}, so it can be garbage-collected before it finishes and nothing can cancel it at shutdown"
        ),
        range: call.range(),
        fix,
        reason,
    });
}

/// How `call` spawns a task (`asyncio.create_task`, `loop.create_task`), if it does.
pub fn spawn_kind(checker: &Checker, call: &ExprCall) -> Option<&'static str> {
    if let Some(member) = checker.names.asyncio_member(&call.func) {
        // `ensure_future(fut)` of an existing future returns it: no new task is dropped.
        let makes_a_task = || call.arguments.args.first().is_some_and(|arg| arg.is_call_expr() || arg.is_await_expr());
        return match member {
            "create_task" => Some("asyncio.create_task"),
            "ensure_future" if makes_a_task() => Some("asyncio.ensure_future"),
            _ => None,
        };
    }
    let Expr::Attribute(method) = call.func.as_ref() else { return None };
    (method.attr.as_str() == "create_task" && is_event_loop(checker, &method.value)).then_some("loop.create_task")
}

/// `loop`, `self._loop`, `hass.loop`, `asyncio.get_running_loop()` — but not a name bound by
/// `async with ... as loop` (a task group, whatever it is called).
fn is_event_loop(checker: &Checker, receiver: &Expr) -> bool {
    let named_like_a_loop = |name: &str| {
        let name = name.trim_start_matches('_');
        name == "loop" || name.ends_with("_loop") || name == "eventloop"
    };
    match receiver {
        Expr::Name(name) => named_like_a_loop(&name.id) && !bound_by_async_with(checker, &name.id),
        Expr::Attribute(attribute) => named_like_a_loop(&attribute.attr),
        Expr::Call(call) => {
            call.arguments.is_empty()
                && matches!(checker.names.asyncio_member(&call.func), Some("get_running_loop" | "get_event_loop"))
        }
        _ => false,
    }
}

fn bound_by_async_with(checker: &Checker, name: &str) -> bool {
    checker.ancestors().any(|stmt| match stmt {
        Stmt::With(with) if with.is_async => with
            .items
            .iter()
            .any(|item| matches!(item.optional_vars.as_deref(), Some(Expr::Name(bound)) if bound.id.as_str() == name)),
        _ => false,
    })
}

/// Is `name` read anywhere in the enclosing function, nested functions and lambdas included?
fn is_read(checker: &Checker, name: &str) -> bool {
    struct Reads<'n> {
        name: &'n str,
        found: bool,
    }
    impl<'a> Visitor<'a> for Reads<'_> {
        fn visit_stmt(&mut self, stmt: &'a Stmt) {
            // `global t` / `nonlocal t`: the task is stored outside the function.
            match stmt {
                Stmt::Global(global) => self.found |= global.names.iter().any(|n| n.as_str() == self.name),
                Stmt::Nonlocal(nonlocal) => self.found |= nonlocal.names.iter().any(|n| n.as_str() == self.name),
                _ => {}
            }
            ruff_python_ast::visitor::walk_stmt(self, stmt);
        }
        fn visit_expr(&mut self, expr: &'a Expr) {
            if let Expr::Name(name) = expr {
                self.found |= name.ctx == ExprContext::Load && name.id.as_str() == self.name;
            }
            walk_expr(self, expr);
        }
    }
    let Some(Stmt::FunctionDef(function)) = checker.ancestors().last() else { return true };
    let mut reads = Reads { name, found: false };
    reads.visit_body(&function.body);
    reads.found
}

/// The name that wraps a spawn, and the edits that make it available: the module's existing
/// tracking function, an import from the shared helper module, or a helper inserted here.
fn tracking_edits(checker: &Checker) -> Option<(String, Vec<Edit>)> {
    if let Some(existing) = existing_tracker(checker) {
        return Some((existing, Vec::new()));
    }
    match &checker.settings.helper_module {
        Some(module) => Some(import_from_helper_module(checker, module)),
        None => Some(insert_local_helper(checker)),
    }
}

/// A top-level `def f(task)` that adds `task` to a set and registers the set's `discard` as a
/// done callback: ours from an earlier run, or the module's own.
fn existing_tracker(checker: &Checker) -> Option<String> {
    checker.parsed.syntax().body.iter().find_map(|stmt| {
        // A sync function of the task alone: an `async def` would return a coroutine.
        let Stmt::FunctionDef(function) = stmt else { return None };
        let required: Vec<_> = function.parameters.iter_non_variadic_params().filter(|p| p.default.is_none()).collect();
        let [parameter] = required.as_slice() else { return None };
        if function.is_async {
            return None;
        }
        let parameter = parameter.name().as_str();
        let calls_method = |method: &str, argument: &dyn Fn(&Expr) -> bool| {
            function.body.iter().any(|s| {
                let Stmt::Expr(expr) = s else { return false };
                let Expr::Call(call) = expr.value.as_ref() else { return false };
                let Expr::Attribute(attribute) = call.func.as_ref() else { return false };
                attribute.attr.as_str() == method && call.arguments.args.len() == 1 && argument(&call.arguments.args[0])
            })
        };
        let is_parameter = |e: &Expr| matches!(e, Expr::Name(n) if n.id.as_str() == parameter);
        let is_discard = |e: &Expr| matches!(e, Expr::Attribute(a) if a.attr.as_str() == "discard");
        (calls_method("add", &is_parameter) && calls_method("add_done_callback", &is_discard)).then(|| function.name.to_string())
    })
}

/// `from pkg.tasks import track_task`, reusing an import (or alias) the module already has.
fn import_from_helper_module(checker: &Checker, module: &str) -> (String, Vec<Edit>) {
    let existing = checker.parsed.syntax().body.iter().find_map(|stmt| match stmt {
        Stmt::ImportFrom(import) if import.level == 0 && import.module.as_deref() == Some(module) => import
            .names
            .iter()
            .find(|alias| alias.name.as_str() == SHARED_TRACK)
            .map(|alias| alias.asname.as_ref().unwrap_or(&alias.name).to_string()),
        _ => None,
    });
    if let Some(name) = existing {
        return (name, Vec::new());
    }
    let local = checker.fresh_name(SHARED_TRACK);
    let line = if local == SHARED_TRACK {
        format!("from {module} import {local}")
    } else {
        format!("from {module} import {} as {local}", SHARED_TRACK)
    };
    // After the module's own imports: first-party imports come last.
    let edit = match module_helper::last_leading_import(&checker.parsed.syntax().body) {
        Some(anchor) => checker.editor.add_module_code_after(checker.parsed, anchor, &Snippet::line(line)),
        None => checker.editor.add_module_code(checker.parsed, &Snippet::line(line)),
    };
    (local, vec![edit])
}

fn insert_local_helper(checker: &Checker) -> (String, Vec<Edit>) {
    let names = HelperNames::local(checker);
    let (asyncio, import) = reraise::asyncio_module(checker);
    let helper = helper_code(&names, &asyncio, checker.settings.target_version, checker.editor.quote());
    (names.track, module_helper::insert_after_imports(checker, helper, "asyncio", &asyncio, import))
}

/// The helper's code: the set, the tracking function, the shutdown coroutine.
fn helper_code(names: &HelperNames, asyncio: &str, target: PythonVersion, quote: char) -> Snippet {
    let HelperNames { set, track, cancel_all } = names;
    let docstring = |text: &str| format!("{q}{q}{q}{text}{q}{q}{q}", q = quote);
    let set_line = if target >= PythonVersion::PY39 {
        format!("{set}: set[{asyncio}.Task] = set()")
    } else {
        format!("{set} = set()")
    };
    Snippet::line(set_line)
        .then(0, "")
        .then(0, "")
        .then(0, format!("def {track}(task):"))
        .then(1, docstring("Keep a reference to `task` until it is done, so it is not garbage-collected."))
        .then(1, format!("{set}.add(task)"))
        .then(1, format!("task.add_done_callback({set}.discard)"))
        .then(1, "return task")
        .then(0, "")
        .then(0, "")
        .then(0, format!("async def {cancel_all}():"))
        .then(1, docstring("Cancel the tracked tasks still running and wait for them (call on shutdown)."))
        .then(1, format!("current = {asyncio}.current_task()"))
        .then(1, format!("tasks = [t for t in {set} if t is not current and not t.done()]"))
        .then(1, "for task in tasks:")
        .then(2, "task.cancel()")
        .then(1, format!("await {asyncio}.gather(*tasks, return_exceptions=True)"))
}

/// The shutdown coroutine that `fixed` defines and `original` did not (a module's own copy of
/// the helper, `_cancel_tracked_tasks` or a fresh variant of it): it does nothing until the
/// module's shutdown path calls it, so the user must be told.
pub fn added_shutdown_helper(original: &str, fixed: &str) -> Option<String> {
    let stem = "_cancel_tracked_tasks";
    let defined = |text: &str| -> Vec<String> {
        text.lines()
            .filter_map(|line| line.strip_prefix("async def ")?.split_once('(').map(|(name, _)| name.trim().to_string()))
            .filter(|name| name.strip_prefix(stem).is_some_and(|rest| rest.is_empty() || rest.starts_with('_')))
            .collect()
    };
    let before = defined(original);
    defined(fixed).into_iter().find(|name| !before.contains(name))
}

/// The source of a shared helper module (`--helper-module`), created by `--write` when missing.
pub fn helper_module_source(target: PythonVersion) -> String {
    let names = HelperNames::shared();
    let mut out = String::from("\"\"\"Tracked background tasks (created by cancelsafe, rule CS201).\"\"\"\n\nimport asyncio\n\n\n");
    for (depth, text) in helper_code(&names, "asyncio", target, '"').lines() {
        if !text.is_empty() {
            out.push_str(&"    ".repeat(depth));
            out.push_str(&text);
        }
        out.push('\n');
    }
    out
}
