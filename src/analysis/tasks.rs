//! Which coroutines of a module run as tasks, who cancels those tasks and who awaits them.
//! These are the facts behind stoppers (`t.cancel()` then `await t`: CS104, and the child
//! whose fix changes what its stopper sees), and behind two swallows that are deliberate: the
//! coroutine `asyncio.run()` runs, and a coroutine that cancels its own task.

use std::collections::{HashMap, HashSet};

use ruff_python_ast::visitor::{walk_expr, walk_stmt, Visitor};
use ruff_python_ast::{Comprehension, ExceptHandler, Expr, ExprAwait, ExprCall, ExprContext, ModModule, Stmt, StmtFunctionDef};
use ruff_text_size::{Ranged, TextRange, TextSize};

use super::holds;
use super::names::{AsyncioNames, Catches};
use super::suspension::returns_exceptions;

/// How many calls deep the coroutines a task's coroutine awaits are followed (a
/// cancellation they end with is the task's outcome).
const AWAITED_DEPTH: usize = 3;

/// An await that may raise a child's `CancelledError` because the child was cancelled.
#[derive(Debug)]
pub struct StopperAwait<'a> {
    /// The statement holding the await (`await t`, `x = await t`).
    pub stmt: &'a Stmt,
    pub await_expr: &'a ExprAwait,
    /// The statements enclosing `stmt`, outermost first.
    pub parents: Vec<&'a Stmt>,
    /// The awaited references that were cancelled (`t`, `self._task`, `*tasks`, or the loop
    /// variable of `for t in tasks`), as written in the await.
    pub cancelled: Vec<&'a Expr>,
    /// `asyncio.gather(...)` when that is what is awaited.
    pub gather: Option<&'a ExprCall>,
    /// Where the cancel is: `None` earlier in the same function; else the other methods
    /// (`` `close()`, `stop()` ``).
    pub cancelled_elsewhere: Option<String>,
    /// The await's value is discarded (`await t` as a statement).
    pub bare: bool,
    /// The handles it awaits (`t`, `self._task`, `tasks` for `*tasks` or `for t in tasks`).
    handles: Vec<String>,
    function: TextRange,
    class: Option<String>,
}

impl StopperAwait<'_> {
    /// `stop()` (line 12), for a reason naming this stopper.
    pub fn describe(&self, source: &str) -> String {
        let line = crate::source::position_of(source, self.stmt.start()).line;
        let function = self.parents.iter().rev().find_map(|s| match s {
            Stmt::FunctionDef(f) => Some(f.name.as_str()),
            _ => None,
        });
        match function {
            Some(name) => format!("`{name}()` (line {line})"),
            None => format!("line {line}"),
        }
    }
}

/// A read of a task's outcome (`task.result()`, `task.exception()`) that does not expect the
/// task to have been cancelled: it then raises `CancelledError` where it used to get a value.
#[derive(Debug, Clone)]
pub struct OutcomeRead {
    /// The read, and the function it is in, for a reason: `` `task.result()` in `serve()` (line 60) ``.
    at: TextRange,
    text: String,
    function: Option<String>,
    /// The handles of the tasks it may read: the receiver, the collection a loop (or a
    /// comprehension) over it walks, and for the `done` set of `asyncio.wait(...)` what was
    /// waited on.
    handles: Vec<String>,
    /// The receiver, as written: a done callback reads the task it is given by its parameter.
    receiver: String,
    class: Option<String>,
    site: TextRange,
}

impl OutcomeRead {
    pub fn describe(&self, source: &str) -> String {
        let line = crate::source::position_of(source, self.at.start()).line;
        match &self.function {
            Some(name) => format!("`{}` in `{name}()` (line {line})", self.text),
            None => format!("`{}` (line {line})", self.text),
        }
    }
}

/// A task created from one of the module's own coroutine functions, and where its handle is
/// kept (`self._task = create_task(self._run())`, `tasks.append(create_task(worker()))`).
#[derive(Debug)]
struct Spawn {
    coroutine: TextRange,
    /// Where the task is kept: the task itself or a collection of such tasks.
    handle: String,
    function: Option<TextRange>,
    class: Option<String>,
}

/// Why a coroutine's swallow may be deliberate, found in the module.
#[derive(Debug, Clone)]
pub enum Deliberate {
    /// It is the coroutine `asyncio.run()` runs (or one it awaits): `(function, entry)`.
    EntryPoint { function: String, entry: String },
    /// It cancels its own task; how, in words for the reason.
    SelfCancel(String),
}

impl Deliberate {
    pub fn reason(&self) -> String {
        match self {
            Deliberate::EntryPoint { function, entry } if function == entry => format!(
                "`{entry}` is the coroutine `asyncio.run()` runs: its swallow is how Ctrl-C ends the program quietly, and after the fix Ctrl-C ends in a KeyboardInterrupt traceback"
            ),
            Deliberate::EntryPoint { function, entry } => format!(
                "`{function}` is awaited by `{entry}`, the coroutine `asyncio.run()` runs: its swallow is how Ctrl-C ends the program quietly, and after the fix Ctrl-C ends in a KeyboardInterrupt traceback"
            ),
            Deliberate::SelfCancel(cancel) => format!(
                "this coroutine's own task is cancelled on purpose ({cancel}) to interrupt the work, and the swallow is how it carries on afterwards; the fix would end the task instead"
            ),
        }
    }
}

/// The task facts of one module.
#[derive(Debug, Default)]
pub struct TaskFacts<'a> {
    spawns: Vec<Spawn>,
    stoppers: Vec<StopperAwait<'a>>,
    deliberate: HashMap<TextRange, Deliberate>,
    /// Reads of task outcomes, with the coroutines whose tasks they read; `None` when the tasks
    /// they read include ones the analysis cannot trace to a coroutine (any of the module's).
    outcome_reads: Vec<(OutcomeRead, Option<Vec<TextRange>>)>,
    /// The coroutine functions the module mentions only to await them (`await self._close()`):
    /// they run in their awaiter's task, never as a task of their own.
    only_awaited: HashSet<TextRange>,
}

impl<'a> TaskFacts<'a> {
    pub fn of(module: &'a ModModule, source: &'a str, names: &AsyncioNames) -> Self {
        let mut collect = Collector { source, names, parents: Vec::new(), function_stack: Vec::new(), classes: Vec::new(), runners: Vec::new(), comprehensions: Vec::new(), lambdas: 0, facts: Facts { source, ..Facts::default() } };
        collect.visit_body(&module.body);
        collect.facts.into_task_facts(names)
    }

    /// The stopper await at `stmt`, if it is one not already inside a handler for cancellation.
    pub fn stopper_at(&self, stmt: &Stmt) -> Option<&StopperAwait<'a>> {
        self.stoppers.iter().find(|s| std::ptr::eq(s.stmt, stmt))
    }

    /// The unprotected stoppers of the tasks that run `coroutine`: the awaits that start raising
    /// `CancelledError` once the coroutine stops swallowing its cancel.
    pub fn stoppers_of(&self, coroutine: &StmtFunctionDef) -> impl Iterator<Item = &StopperAwait<'a>> {
        let spawns: Vec<&Spawn> = self.spawns.iter().filter(|s| s.coroutine == coroutine.range()).collect();
        self.stoppers.iter().filter(move |stopper| {
            spawns.iter().any(|spawn| {
                let in_scope = match (&spawn.class, spawn.function) {
                    _ if spawn.handle.starts_with("self.") => spawn.class == stopper.class,
                    (_, Some(function)) => function == stopper.function,
                    (_, None) => true,
                };
                in_scope && stopper.handles.iter().any(|h| *h == spawn.handle)
            })
        })
    }

    /// The reads of task outcomes (`task.result()`) that may read a task running `coroutine`,
    /// and that a `CancelledError` would now reach.
    pub fn outcome_readers_of(&self, coroutine: &StmtFunctionDef) -> impl Iterator<Item = &OutcomeRead> {
        let range = coroutine.range();
        self.outcome_reads
            .iter()
            .filter(move |(_, coroutines)| match coroutines {
                Some(coroutines) => coroutines.contains(&range),
                None => !self.only_awaited.contains(&range),
            })
            .map(|(read, _)| read)
    }

    /// Why a swallow in `function` may be deliberate.
    pub fn deliberate(&self, function: &StmtFunctionDef) -> Option<&Deliberate> {
        self.deliberate.get(&function.range())
    }
}

/// What the walk records before it is matched up.
#[derive(Default)]
struct Facts<'a> {
    source: &'a str,
    functions: Vec<FunctionInfo<'a>>,
    /// Each function's place in `functions`, by its range.
    index: HashMap<TextRange, usize>,
    spawns: Vec<(TextRange /* call site function */, &'a ExprCall, Handle, Option<String>)>,
    cancels: Vec<Cancel<'a>>,
    awaits: Vec<Await<'a>>,
    /// Assignment targets (by range), where they are and in which function.
    rebinds: Vec<(TextRange, TextSize, TextRange)>,
    /// A local handed on to another place (`self._task = task`, `tasks.append(task)`): in which
    /// function, the local's name, and where it goes. A task spawned into the local is kept
    /// there too.
    handovers: Vec<(TextRange, String, Handle)>,
    /// `coro = f(...)` in a function: a coroutine made first and spawned later.
    made_coroutines: Vec<(TextRange, String, &'a ExprCall)>,
    /// `done, pending = await asyncio.wait(...)`: in which function, the name of the `done` set,
    /// and the handles of what was waited on.
    wait_sets: Vec<(TextRange, String, Vec<String>)>,
    outcome_reads: Vec<OutcomeRead>,
    /// Every name and attribute in the module's code, with where it is.
    mentions: Vec<(String, TextRange)>,
    /// The callees (`f`, `self.f`) of calls whose coroutine is awaited (`await f()`) or handed
    /// straight to a spawn (`create_task(f())`).
    contained_calls: HashSet<TextRange>,
    /// `t.add_done_callback(cb)`: the handle, the function and class it is in, and the callback.
    done_callbacks: Vec<(String, TextRange, Option<String>, &'a Expr)>,
    /// Every name and attribute the module's code binds (assigned, a parameter, a `for` or
    /// `with` target): where a function of the module may be kept under another name.
    bound: HashSet<&'a str>,
    entry_calls: Vec<(&'a ExprCall, Option<TextRange>)>,
    current_task_bindings: Vec<(String, TextRange)>,
    cancel_references: Vec<(String, TextRange, Option<String>)>,
}

struct FunctionInfo<'a> {
    def: &'a StmtFunctionDef,
    class: Option<String>,
    /// The function this one is nested in.
    parent: Option<TextRange>,
    /// The calls it makes, in source order.
    calls: Vec<Call<'a>>,
}

struct Call<'a> {
    call: &'a ExprCall,
    parents: Vec<&'a Stmt>,
    /// `await f(...)`: the coroutine runs in this task.
    awaited: bool,
}

#[derive(Clone)]
enum Handle {
    One(String),
    Collection(String),
    None,
}

/// Where a spawned task would be kept, before its text is needed.
#[derive(Clone, Copy)]
enum HandleAt<'a> {
    One(&'a Expr),
    Collection(&'a Expr),
    None,
}

struct Cancel<'a> {
    handle: String,
    /// The statement holding the cancel (for a loop that cancels each task, the loop).
    stmt: &'a Stmt,
    parents: Vec<&'a Stmt>,
    at: TextRange,
    function: Option<TextRange>,
    class: Option<String>,
    /// In a `lambda`: a callback runs it later, not where it is written.
    in_callback: bool,
}

struct Await<'a> {
    stmt: Option<&'a Stmt>,
    expr: &'a ExprAwait,
    parents: Vec<&'a Stmt>,
    /// (reference expression, handle text) for each awaited existing task.
    refs: Vec<(&'a Expr, String)>,
    gather: Option<&'a ExprCall>,
    function: TextRange,
    class: Option<String>,
}

struct Collector<'a, 'n> {
    source: &'a str,
    names: &'n AsyncioNames,
    parents: Vec<&'a Stmt>,
    /// Indices into `facts.functions` of the functions being walked, innermost last.
    function_stack: Vec<usize>,
    classes: Vec<String>,
    /// Names bound by `with asyncio.Runner() as runner:`.
    runners: Vec<String>,
    /// The generators of the comprehensions being walked, innermost last.
    comprehensions: Vec<&'a [Comprehension]>,
    /// How many `lambda`s deep the walk is.
    lambdas: usize,
    facts: Facts<'a>,
}

impl<'a> Collector<'a, '_> {
    fn text(&self, expr: &Expr) -> String {
        self.source[expr.range()].to_string()
    }

    fn function(&self) -> Option<&'a StmtFunctionDef> {
        self.parents.iter().rev().find_map(|s| match s {
            Stmt::FunctionDef(f) => Some(f),
            _ => None,
        })
    }

    /// The class whose method (at any depth of nesting) is being walked.
    fn class(&self) -> Option<String> {
        self.classes.last().cloned()
    }

    fn is_spawn(&self, call: &ExprCall) -> bool {
        match call.func.as_ref() {
            Expr::Attribute(attribute) if attribute.attr.as_str() == "create_task" => true,
            func => matches!(self.names.asyncio_member(func), Some("create_task" | "ensure_future" | "Task")),
        }
    }

    fn record_spawns(&mut self, value: &'a Expr, handle_at: HandleAt<'a>) {
        struct Spawns<'c, 'a, 'n> {
            collector: &'c Collector<'a, 'n>,
            found: Vec<&'a ExprCall>,
        }
        impl<'a> Visitor<'a> for Spawns<'_, 'a, '_> {
            fn visit_expr(&mut self, expr: &'a Expr) {
                if let Expr::Call(call) = expr {
                    if self.collector.is_spawn(call) {
                        self.found.push(call);
                    }
                }
                if !matches!(expr, Expr::Lambda(_)) {
                    walk_expr(self, expr);
                }
            }
        }
        let mut spawns = Spawns { collector: self, found: Vec::new() };
        spawns.visit_expr(value);
        if spawns.found.is_empty() {
            return;
        }
        let handle = match handle_at {
            HandleAt::One(expr) => Handle::One(self.text(expr)),
            HandleAt::Collection(expr) => Handle::Collection(self.text(expr)),
            HandleAt::None => Handle::None,
        };
        let direct = matches!(value, Expr::Call(call) if self.is_spawn(call));
        let function = self.function().map(Ranged::range).unwrap_or_default();
        let class = self.class();
        for call in spawns.found {
            let handle = match (&handle, direct) {
                (Handle::One(h), false) => Handle::Collection(h.clone()),
                (other, _) => other.clone(),
            };
            self.facts.spawns.push((function, call, handle, class.clone()));
        }
    }

    /// The collection a `for` loop or comprehension walks: `tasks`, `self._tasks.values()`,
    /// `list(tasks)` all walk `tasks`.
    fn collection_of(&self, iter: &Expr) -> String {
        match iter {
            Expr::Call(call) if call.arguments.args.len() == 1 && call.arguments.keywords.is_empty() => match call.func.as_ref() {
                Expr::Name(n) if matches!(n.id.as_str(), "list" | "tuple" | "set" | "sorted" | "reversed") => {
                    self.collection_of(&call.arguments.args[0])
                }
                _ => self.text(iter),
            },
            Expr::Call(call) if call.arguments.is_empty() => match call.func.as_ref() {
                Expr::Attribute(a) if matches!(a.attr.as_str(), "values" | "copy") => self.collection_of(&a.value),
                _ => self.text(iter),
            },
            _ => self.text(iter),
        }
    }


    /// A call made by the function being walked (an awaited one is recorded first, and its
    /// visit as a plain call is then skipped).
    fn record_call(&mut self, call: &'a ExprCall, awaited: bool) {
        // Only calls the analysis can resolve: `f(...)`, `self.m(...)`.
        let resolvable = match call.func.as_ref() {
            Expr::Name(_) => true,
            Expr::Attribute(a) => matches!(a.value.as_ref(), Expr::Name(n) if matches!(n.id.as_str(), "self" | "cls")),
            _ => false,
        };
        let Some(&index) = self.function_stack.last().filter(|_| resolvable) else { return };
        let info = &mut self.facts.functions[index];
        if info.calls.last().is_some_and(|last| std::ptr::eq(last.call, call)) {
            return;
        }
        info.calls.push(Call { call, parents: self.parents.clone(), awaited });
    }

    fn record_cancel(&mut self, handle: String, stmt: &'a Stmt, at: TextRange) {
        let function = self.function().map(Ranged::range);
        let class = self.class();
        let in_callback = self.lambdas > 0;
        self.facts.cancels.push(Cancel { handle, stmt, parents: self.parents.clone(), at, function, class, in_callback });
    }

    /// The handles `asyncio.wait(...)` waits on: `tasks`, `pending | self.workers`, `[a, b]`.
    fn waited_handles(&self, expr: &Expr) -> Vec<String> {
        match expr {
            Expr::BinOp(op) => {
                let mut handles = self.waited_handles(&op.left);
                handles.extend(self.waited_handles(&op.right));
                handles
            }
            Expr::List(list) => list.elts.iter().flat_map(|e| self.waited_handles(e)).collect(),
            Expr::Set(set) => set.elts.iter().flat_map(|e| self.waited_handles(e)).collect(),
            Expr::Tuple(tuple) => tuple.elts.iter().flat_map(|e| self.waited_handles(e)).collect(),
            Expr::Starred(starred) => self.waited_handles(&starred.value),
            other => vec![self.collection_of(other)],
        }
    }

    /// `t.result()` / `t.exception()` with nothing there that expects a cancelled task (no
    /// `t.cancelled()` test in the function, no handler for `CancelledError` around it).
    fn record_outcome_read(&mut self, call: &'a ExprCall) {
        let Expr::Attribute(method) = call.func.as_ref() else { return };
        if !matches!(method.attr.as_str(), "result" | "exception") || !call.arguments.is_empty() {
            return;
        }
        let receiver = method.value.as_ref();
        if !matches!(receiver, Expr::Name(_) | Expr::Attribute(_)) {
            return;
        }
        let (Some(function), Some(stmt)) = (self.function(), self.parents.last().copied()) else { return };
        let receiver_text = self.text(receiver);
        let function_text = &self.source[function.range()];
        if function_text.contains(&format!("{receiver_text}.cancelled()")) || handles_cancel(&self.parents, stmt, self.names) {
            return;
        }
        let mut handles = vec![receiver_text.clone()];
        let statement_loops = self
            .parents
            .iter()
            .rev()
            .take_while(|s| !matches!(s, Stmt::FunctionDef(_)))
            .filter_map(|s| match s {
                Stmt::For(f) if !f.is_async => Some((&*f.target, &*f.iter)),
                _ => None,
            });
        let comprehension_loops = self.comprehensions.iter().flat_map(|g| g.iter()).filter(|g| !g.is_async).map(|g| (&g.target, &g.iter));
        let loops: Vec<String> = statement_loops
            .chain(comprehension_loops)
            .filter(|(target, _)| self.text(target) == receiver_text)
            .map(|(_, iter)| self.collection_of(iter))
            .collect();
        for collection in loops {
            for (f, done, waited) in &self.facts.wait_sets {
                if *f == function.range() && *done == collection {
                    handles.extend(waited.iter().cloned());
                }
            }
            handles.push(collection);
        }
        self.facts.outcome_reads.push(OutcomeRead {
            at: call.range(),
            text: self.source[call.range()].to_string(),
            function: Some(function.name.to_string()),
            handles,
            receiver: receiver_text,
            class: self.class(),
            site: function.range(),
        });
    }

    /// `t.add_done_callback(cb)`, `t.add_done_callback(self._on_done)`.
    fn record_done_callback(&mut self, call: &'a ExprCall) {
        let Expr::Attribute(method) = call.func.as_ref() else { return };
        let (true, Some(callback)) = (method.attr.as_str() == "add_done_callback", call.arguments.args.first()) else { return };
        let function = self.function().map(Ranged::range).unwrap_or_default();
        let class = self.class();
        self.facts.done_callbacks.push((self.text(&method.value), function, class, callback));
    }

    fn record_handover(&mut self, local: &str, handle_at: HandleAt<'a>) {
        let handle = match handle_at {
            HandleAt::One(expr) => Handle::One(self.text(expr)),
            HandleAt::Collection(expr) => Handle::Collection(self.text(expr)),
            HandleAt::None => return,
        };
        let function = self.function().map(Ranged::range).unwrap_or_default();
        self.facts.handovers.push((function, local.to_string(), handle));
    }

    /// `for t in C:` whose body cancels `t`, and comprehensions `[t.cancel() for t in C]`.
    fn loop_cancels(&mut self, for_stmt: &'a Stmt, target: &Expr, iter: &'a Expr, body: &'a [Stmt]) {
        let target_text = self.text(target);
        let mut found = false;
        struct Find<'s> {
            source: &'s str,
            target: &'s str,
            found: bool,
        }
        impl<'a> Visitor<'a> for Find<'_> {
            fn visit_expr(&mut self, expr: &'a Expr) {
                if let Expr::Call(call) = expr {
                    if let Some(cancelled) = cancelled_by(call) {
                        self.found |= &self.source[cancelled.range()] == self.target;
                    }
                }
                walk_expr(self, expr);
            }
            fn visit_stmt(&mut self, stmt: &'a Stmt) {
                if !matches!(stmt, Stmt::FunctionDef(_) | Stmt::ClassDef(_)) {
                    walk_stmt(self, stmt);
                }
            }
        }
        let mut find = Find { source: self.source, target: &target_text, found: false };
        find.visit_body(body);
        found |= find.found;
        if found {
            let collection = self.collection_of(iter);
            self.record_cancel(collection, for_stmt, for_stmt.range());
        }
    }

    fn comprehension_cancels(&mut self, elt: &Expr, generators: &'a [Comprehension], at: TextRange) {
        let Expr::Call(call) = elt else { return };
        let Some(cancelled) = cancelled_by(call) else { return };
        let cancelled = self.text(cancelled);
        let Some(stmt) = self.parents.last().copied() else { return };
        if let Some(generator) = generators.iter().find(|g| self.text(&g.target) == cancelled) {
            let collection = self.collection_of(&generator.iter);
            self.record_cancel(collection, stmt, at);
        }
    }

    /// The existing tasks an awaited expression waits on, with their handles: `t`, `self._t`,
    /// `wait_for(t, …)`, `shield(t)`, `gather(t, *ts)` (without `return_exceptions=True`), and
    /// the loop variable of an enclosing `for t in ts:` (handle `ts`).
    fn awaited_refs(&self, value: &'a Expr) -> (Vec<(&'a Expr, String)>, Option<&'a ExprCall>) {
        let mut refs = Vec::new();
        let mut gather = None;
        let add = |expr: &'a Expr, refs: &mut Vec<(&'a Expr, String)>| match expr {
            Expr::Name(_) | Expr::Attribute(_) | Expr::Subscript(_) => refs.push((expr, self.text(expr))),
            Expr::Starred(starred) if matches!(starred.value.as_ref(), Expr::Name(_) | Expr::Attribute(_)) => {
                refs.push((expr, self.collection_of(&starred.value)));
            }
            Expr::Starred(starred) => {
                if let Expr::Call(call) = starred.value.as_ref() {
                    if matches!(call.func.as_ref(), Expr::Attribute(a) if a.attr.as_str() == "values") {
                        refs.push((expr, self.collection_of(&starred.value)));
                    }
                }
            }
            _ => {}
        };
        match value {
            Expr::Call(call) => match self.names.asyncio_member(&call.func) {
                Some("wait_for" | "shield") => {
                    if let Some(first) = call.arguments.args.first().map(|first| unwrap_waits(first, self.names)) {
                        add(first, &mut refs);
                    }
                }
                Some("gather") if !returns_exceptions(call) => {
                    gather = Some(call);
                    for arg in call.arguments.args.iter() {
                        add(arg, &mut refs);
                    }
                }
                _ => {}
            },
            other => add(other, &mut refs),
        }
        // `for t in ts: await t` awaits the members of `ts`.
        let loop_handles: Vec<(&'a Expr, String)> = refs
            .iter()
            .filter_map(|(expr, text)| {
                self.parents.iter().rev().take_while(|s| !matches!(s, Stmt::FunctionDef(_))).find_map(|s| match s {
                    Stmt::For(f) if !f.is_async && self.text(&f.target) == *text => Some((*expr, self.collection_of(&f.iter))),
                    _ => None,
                })
            })
            .collect();
        refs.extend(loop_handles);
        (refs, gather)
    }
}

impl<'a> Visitor<'a> for Collector<'a, '_> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        match stmt {
            Stmt::FunctionDef(def) => {
                self.facts.bound.extend(def.parameters.iter().map(|parameter| parameter.name().as_str()));
                let parent = self.function().map(Ranged::range);
                self.facts.index.insert(def.range(), self.facts.functions.len());
                self.facts.functions.push(FunctionInfo { def, class: self.class(), parent, calls: Vec::new() });
            }
            Stmt::Assign(assign) => {
                let handle = match assign.targets.as_slice() {
                    [Expr::Subscript(sub)] => HandleAt::Collection(&sub.value),
                    [target @ (Expr::Name(_) | Expr::Attribute(_))] => HandleAt::One(target),
                    _ => HandleAt::None,
                };
                self.record_spawns(&assign.value, handle);
                if let Expr::Name(local) = assign.value.as_ref() {
                    self.record_handover(local.id.as_str(), handle);
                }
                let function = self.function().map(Ranged::range).unwrap_or_default();
                match (assign.targets.as_slice(), assign.value.as_ref()) {
                    ([Expr::Name(name)], Expr::Call(call)) if !self.is_spawn(call) => {
                        self.facts.made_coroutines.push((function, name.id.to_string(), call));
                    }
                    ([Expr::Tuple(tuple)], Expr::Await(awaited)) => {
                        if let (Some(Expr::Name(done)), Expr::Call(call)) = (tuple.elts.first(), awaited.value.as_ref()) {
                            if self.names.asyncio_member(&call.func) == Some("wait") {
                                let waited = call.arguments.args.first().map(|w| self.waited_handles(w)).unwrap_or_default();
                                self.facts.wait_sets.push((function, done.id.to_string(), waited));
                            }
                        }
                    }
                    _ => {}
                }
                for target in &assign.targets {
                    self.facts.rebinds.push((target.range(), stmt.start(), self.function().map(Ranged::range).unwrap_or_default()));
                }
                if is_current_task_call(&assign.value, self.names) {
                    if let [target] = assign.targets.as_slice() {
                        let function = self.function().map(Ranged::range).unwrap_or_default();
                        self.facts.current_task_bindings.push((self.text(target), function));
                    }
                }
            }
            Stmt::AnnAssign(assign) => {
                if let Some(value) = &assign.value {
                    self.record_spawns(value, HandleAt::One(&assign.target));
                    self.facts.rebinds.push((assign.target.range(), stmt.start(), self.function().map(Ranged::range).unwrap_or_default()));
                    if is_current_task_call(value, self.names) {
                        let function = self.function().map(Ranged::range).unwrap_or_default();
                        self.facts.current_task_bindings.push((self.text(&assign.target), function));
                    }
                }
            }
            Stmt::Expr(expr) => {
                if let Expr::Call(call) = expr.value.as_ref() {
                    if let Expr::Attribute(method) = call.func.as_ref() {
                        if matches!(method.attr.as_str(), "append" | "add" | "put_nowait") {
                            for arg in call.arguments.args.iter() {
                                self.record_spawns(arg, HandleAt::Collection(&method.value));
                                if let Expr::Name(local) = arg {
                                    self.record_handover(local.id.as_str(), HandleAt::Collection(&method.value));
                                }
                            }
                        }
                    }
                }
            }
            Stmt::For(for_stmt) if !for_stmt.is_async => {
                self.loop_cancels(stmt, &for_stmt.target, &for_stmt.iter, &for_stmt.body);
            }
            Stmt::With(with) => {
                for item in &with.items {
                    let runner = matches!(&item.context_expr, Expr::Call(c) if self.names.asyncio_member(&c.func) == Some("Runner"));
                    if let (true, Some(Expr::Name(name))) = (runner, item.optional_vars.as_deref()) {
                        self.runners.push(name.id.to_string());
                    }
                }
            }
            _ => {}
        }
        let is_class = matches!(stmt, Stmt::ClassDef(_));
        if let Stmt::ClassDef(class) = stmt {
            self.classes.push(class.name.to_string());
        }
        let is_function = matches!(stmt, Stmt::FunctionDef(_));
        if is_function {
            self.function_stack.push(self.facts.functions.len() - 1);
        }
        self.parents.push(stmt);
        walk_stmt(self, stmt);
        self.parents.pop();
        if is_function {
            self.function_stack.pop();
        }
        if is_class {
            self.classes.pop();
        }
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        match expr {
            Expr::Name(name) => {
                if name.ctx == ExprContext::Store {
                    self.facts.bound.insert(name.id.as_str());
                }
                self.facts.mentions.push((name.id.to_string(), name.range()));
            }
            Expr::Attribute(attribute) => {
                if attribute.ctx == ExprContext::Store {
                    self.facts.bound.insert(attribute.attr.as_str());
                }
                self.facts.mentions.push((attribute.attr.to_string(), attribute.range()));
            }
            Expr::Await(awaited) => {
                if let Expr::Call(call) = awaited.value.as_ref() {
                    self.facts.contained_calls.insert(call.func.range());
                }
            }
            Expr::Call(call) if self.is_spawn(call) => {
                if let Some(Expr::Call(coroutine)) = call.arguments.args.first() {
                    self.facts.contained_calls.insert(coroutine.func.range());
                }
            }
            _ => {}
        }
        match expr {
            Expr::Call(call) => {
                if let (Some(cancelled), Some(stmt)) = (cancelled_by(call), self.parents.last().copied()) {
                    let handle = self.text(cancelled);
                    self.record_cancel(handle, stmt, call.range());
                }
                // `asyncio.run(main())`, and `runner.run(main())` of a `with asyncio.Runner() as runner:`.
                let runs = self.names.asyncio_member(&call.func) == Some("run")
                    || matches!(call.func.as_ref(), Expr::Attribute(method) if method.attr.as_str() == "run"
                        && matches!(method.value.as_ref(), Expr::Name(n) if self.runners.iter().any(|r| r == n.id.as_str())));
                if runs {
                    self.facts.entry_calls.push((call, self.function().map(Ranged::range)));
                }
                self.record_outcome_read(call);
                self.record_done_callback(call);
                self.record_call(call, false);
            }
            Expr::Attribute(attribute) if attribute.attr.as_str() == "cancel" => {
                let target = self.text(&attribute.value);
                let class = self.class();
                self.facts.cancel_references.push((target, self.function().map(Ranged::range).unwrap_or_default(), class));
            }
            Expr::ListComp(comp) => self.comprehension_cancels(&comp.elt, &comp.generators, comp.range()),
            Expr::SetComp(comp) => self.comprehension_cancels(&comp.elt, &comp.generators, comp.range()),
            Expr::Generator(comp) => self.comprehension_cancels(&comp.elt, &comp.generators, comp.range()),
            Expr::Await(await_expr) => {
                if let Some(function) = self.function().filter(|f| f.is_async) {
                    let (refs, gather) = self.awaited_refs(&await_expr.value);
                    let stmt = self.parents.last().copied().filter(|s| match s {
                        Stmt::Expr(e) => e.value.range() == expr.range(),
                        Stmt::Assign(a) => a.value.range() == expr.range(),
                        Stmt::AnnAssign(a) => a.value.as_deref().is_some_and(|v| v.range() == expr.range()),
                        Stmt::Return(r) => r.value.as_deref().is_some_and(|v| v.range() == expr.range()),
                        _ => false,
                    });
                    if !refs.is_empty() {
                        self.facts.awaits.push(Await {
                            stmt,
                            expr: await_expr,
                            parents: self.parents.clone(),
                            refs,
                            gather,
                            function: function.range(),
                            class: self.class(),
                        });
                    }
                    if let Expr::Call(call) = await_expr.value.as_ref() {
                        self.record_call(call, true);
                    }
                }
            }
            _ => {}
        }
        let generators = match expr {
            Expr::ListComp(comp) => Some(&comp.generators),
            Expr::SetComp(comp) => Some(&comp.generators),
            Expr::DictComp(comp) => Some(&comp.generators),
            Expr::Generator(comp) => Some(&comp.generators),
            _ => None,
        };
        if let Some(generators) = generators {
            self.comprehensions.push(generators);
        }
        let lambda = matches!(expr, Expr::Lambda(_));
        self.lambdas += usize::from(lambda);
        walk_expr(self, expr);
        self.lambdas -= usize::from(lambda);
        if generators.is_some() {
            self.comprehensions.pop();
        }
    }
}

/// `wait_for(shield(t), n)` → `t`: the task a nest of `wait_for` / `shield` waits on.
fn unwrap_waits<'e>(expr: &'e Expr, names: &AsyncioNames) -> &'e Expr {
    match expr {
        Expr::Call(call) if matches!(names.asyncio_member(&call.func), Some("wait_for" | "shield")) => {
            call.arguments.args.first().map_or(expr, |inner| unwrap_waits(inner, names))
        }
        other => other,
    }
}

/// `x.cancel(...)` → `x`.
fn cancelled_by(call: &ExprCall) -> Option<&Expr> {
    match call.func.as_ref() {
        Expr::Attribute(attribute) if attribute.attr.as_str() == "cancel" => Some(&attribute.value),
        _ => None,
    }
}

fn is_current_task_call(expr: &Expr, names: &AsyncioNames) -> bool {
    matches!(expr, Expr::Call(call) if matches!(names.asyncio_member(&call.func), Some("current_task")))
}

impl<'a> Facts<'a> {
    /// The function `func` calls: `self.m` a method of the caller's class, `f` a function
    /// nested in one of the caller's enclosing functions, else a module-level one.
    fn callee(&self, func: &Expr, caller: &FunctionInfo) -> Option<&FunctionInfo<'a>> {
        match func {
            Expr::Attribute(attribute) if matches!(attribute.value.as_ref(), Expr::Name(n) if matches!(n.id.as_str(), "self" | "cls")) => {
                self.functions.iter().find(|f| f.class == caller.class && f.parent.is_none() && f.def.name.as_str() == attribute.attr.as_str())
            }
            Expr::Name(name) => {
                let mut scope = Some(caller.def.range());
                while let Some(outer) = scope {
                    if let Some(found) = self.functions.iter().find(|f| f.parent == Some(outer) && f.def.name.as_str() == name.id.as_str()) {
                        return Some(found);
                    }
                    scope = self.functions.iter().find(|f| f.def.range() == outer).and_then(|f| f.parent);
                }
                self.functions.iter().find(|f| f.class.is_none() && f.parent.is_none() && f.def.name.as_str() == name.id.as_str())
            }
            _ => None,
        }
    }

    /// The coroutines a decorator of `def` puts in its place: `@transfer` where `transfer`
    /// defines `async def wrapper(...)` and returns it.
    fn decorator_wrappers(&self, def: &StmtFunctionDef) -> Vec<TextRange> {
        def.decorator_list
            .iter()
            .filter_map(|decorator| self.module_function(&decorator.expression))
            .flat_map(|decorator| {
                decorator.def.body.iter().filter_map(|stmt| match stmt {
                    Stmt::FunctionDef(wrapper) if wrapper.is_async => {
                        let returned = decorator.def.body.iter().any(|s| {
                            matches!(s, Stmt::Return(r) if matches!(r.value.as_deref(), Some(Expr::Name(n)) if n.id == wrapper.name.id))
                        });
                        returned.then(|| wrapper.range())
                    }
                    _ => None,
                })
            })
            .collect()
    }

    fn info_of(&self, range: TextRange) -> Option<&FunctionInfo<'a>> {
        self.index.get(&range).map(|&i| &self.functions[i])
    }

    /// A module-level function by name.
    fn module_function(&self, func: &Expr) -> Option<&FunctionInfo<'a>> {
        let Expr::Name(name) = func else { return None };
        self.functions.iter().find(|f| f.class.is_none() && f.parent.is_none() && f.def.name.as_str() == name.id.as_str())
    }

    fn into_task_facts(mut self, names: &AsyncioNames) -> TaskFacts<'a> {
        let mut facts = TaskFacts::default();
        // A task spawned into a local is also kept wherever the function hands the local on.
        let handed_on: Vec<_> = self
            .spawns
            .iter()
            .flat_map(|(site, call, handle, class)| {
                let local = match handle {
                    Handle::One(local) if !local.contains('.') => local.clone(),
                    _ => String::new(),
                };
                self.handovers
                    .iter()
                    .filter(move |(function, from, _)| !local.is_empty() && function == site && *from == local)
                    .map(move |(_, _, to)| (*site, *call, to.clone(), class.clone()))
            })
            .collect();
        self.spawns.extend(handed_on);
        // Spawns of the module's own coroutine functions.
        // Where tasks are kept whose coroutine the analysis cannot trace (`create_task(f(x))`
        // of a callable in a variable).
        let mut untraced: Vec<Spawn> = Vec::new();
        for (site, call, handle, class) in &self.spawns {
            let (Handle::One(text) | Handle::Collection(text)) = handle else { continue };
            let function = (!text.starts_with("self.")).then_some(*site).filter(|s| *s != TextRange::default());
            let spawn = |coroutine: TextRange| Spawn { coroutine, handle: text.clone(), function, class: class.clone() };
            let coroutine = match call.arguments.args.first().or_else(|| call.arguments.find_keyword("coro").map(|k| &k.value)) {
                Some(Expr::Call(coroutine)) => Some(coroutine),
                // `coro = worker(...)` first, then `create_task(coro)`.
                Some(Expr::Name(name)) => {
                    self.made_coroutines.iter().rev().find(|(f, made, _)| f == site && made == name.id.as_str()).map(|(_, _, c)| *c)
                }
                _ => None,
            };
            let resolved = coroutine.and_then(|coroutine| match self.info_of(*site) {
                Some(caller) => self.callee(&coroutine.func, caller),
                None => self.module_function(&coroutine.func),
            });
            let Some(target) = resolved.filter(|f| f.def.is_async) else {
                if coroutine.is_none_or(|coroutine| self.may_run_own_coroutine(coroutine)) {
                    untraced.push(spawn(TextRange::default()));
                }
                continue;
            };
            facts.spawns.push(spawn(target.def.range()));
            // A decorator that wraps the coroutine (`async def wrapper(...)` returned by it): the
            // task runs the wrapper.
            for wrapper in self.decorator_wrappers(target.def) {
                facts.spawns.push(spawn(wrapper));
            }
            // The coroutines the task's own awaits run in it (`await self.worker()`), a few
            // calls deep: a cancellation one of them ends with becomes the task's outcome.
            let mut reached = vec![target.def.range()];
            let mut frontier = vec![target];
            for _ in 0..AWAITED_DEPTH {
                let mut next = Vec::new();
                for caller in frontier {
                    for call in caller.calls.iter().filter(|call| call.awaited) {
                        let Some(callee) = self.callee(&call.call.func, caller).filter(|f| f.def.is_async) else { continue };
                        if !reached.contains(&callee.def.range()) {
                            reached.push(callee.def.range());
                            facts.spawns.push(spawn(callee.def.range()));
                            next.push(callee);
                        }
                    }
                }
                frontier = next;
            }
        }
        // Reads of task outcomes, and the coroutines whose tasks they may read. A handle is the
        // function's own when it is a local name; an attribute is shared (`self.` within a class).
        let shares = |read: &OutcomeRead, spawn: &Spawn| {
            read.handles.contains(&spawn.handle)
                && match spawn.handle.split_once('.') {
                    None => spawn.function == Some(read.site),
                    Some(("self", _)) => spawn.class == read.class,
                    Some(_) => true,
                }
        };
        // A done callback reads the task it is given: as a read of the task it was added to.
        let mut reads = std::mem::take(&mut self.outcome_reads);
        for (handle, site, class, callback) in &self.done_callbacks {
            let target = match callback {
                Expr::Attribute(a) if matches!(a.value.as_ref(), Expr::Name(n) if n.id.as_str() == "self") => self
                    .functions
                    .iter()
                    .find(|f| f.class == *class && f.parent.is_none() && f.def.name.as_str() == a.attr.as_str()),
                other => self.module_function(other),
            };
            let Some(target) = target else { continue };
            let parameters = &target.def.parameters;
            let skip = usize::from(target.class.is_some());
            let Some(given) = parameters.posonlyargs.iter().chain(&parameters.args).nth(skip) else { continue };
            let read_in_callback: Vec<OutcomeRead> = reads
                .iter()
                .filter(|read| read.site == target.def.range() && read.receiver == given.parameter.name.as_str())
                .map(|read| OutcomeRead { handles: vec![handle.clone()], site: *site, class: class.clone(), ..read.clone() })
                .collect();
            reads.extend(read_in_callback);
        }
        // Stopper awaits: awaits of a task this function (or one it calls first) cancelled, or
        // of `self._task` that another method of the class cancels.
        for await_ in &self.awaits {
            let (Some(stmt), Some(info)) = (await_.stmt, self.info_of(await_.function)) else { continue };
            if is_protected(&await_.parents, stmt, names) {
                continue;
            }
            let mut cancelled: Vec<&Expr> = Vec::new();
            let mut handles: Vec<String> = Vec::new();
            let mut elsewhere: Option<String> = None;
            for (expr, handle) in &await_.refs {
                let here = self.cancels.iter().any(|c| {
                    c.handle == *handle
                        && c.function == Some(await_.function)
                        && !c.in_callback
                        && precedes(&c.parents, c.at, &await_.parents, stmt)
                        && !self.rebound_between(handle, c.at.end(), stmt.start(), await_.function)
                });
                let via_call = !here && self.cancelled_by_earlier_call(info, handle, &await_.parents, stmt);
                // Another method's cancel counts for a task the class spawns (a waiter future
                // is cancelled to signal), unless that method first awaits this one: by the time
                // it cancels, this await is over.
                let spawned = self.spawns.iter().any(|(_, _, h, class)| {
                    matches!(h, Handle::One(t) | Handle::Collection(t) if t == handle) && *class == await_.class
                });
                // A callback this function registers (`lambda: t.cancel()`) cancels it later.
                let callback = self.cancels.iter().find(|c| {
                    c.handle == *handle && c.function == Some(await_.function) && c.in_callback && c.at.start() < stmt.start()
                });
                let other_method = if let (false, false, Some(callback)) = (here, via_call, callback) {
                    let line = crate::source::position_of(self.source, callback.at.start()).line;
                    Some(format!("a callback (`{}`, line {line})", &self.source[callback.at]))
                } else if here || via_call || !handle.starts_with("self.") || await_.class.is_none() || !spawned {
                    None
                } else {
                    let mut methods: Vec<String> = Vec::new();
                    let awaits_this_first = |cancel: &Cancel| {
                        cancel.function.and_then(|f| self.info_of(f)).is_some_and(|canceller| {
                            canceller.calls.iter().any(|call| {
                                precedes(&call.parents, call.call.range(), &cancel.parents, cancel.stmt)
                                    && self.callee(&call.call.func, canceller).is_some_and(|f| f.def.range() == await_.function)
                            })
                        })
                    };
                    for cancel in self.cancels.iter().filter(|c| {
                        c.handle == *handle && c.class == await_.class && c.function != Some(await_.function) && !awaits_this_first(c)
                    }) {
                        if let Some(name) = cancel.function.and_then(|f| self.info_of(f)).map(|f| format!("`{}()`", f.def.name)) {
                            if !methods.contains(&name) {
                                methods.push(name);
                            }
                        }
                    }
                    (!methods.is_empty()).then(|| methods.join(", "))
                };
                if here || via_call || other_method.is_some() {
                    if !cancelled.iter().any(|c| std::ptr::eq(*c, *expr)) {
                        cancelled.push(expr);
                    }
                    handles.push(handle.clone());
                    if !(here || via_call) && elsewhere.is_none() {
                        elsewhere = other_method;
                    }
                }
            }
            if cancelled.is_empty() {
                continue;
            }
            // A cancel in this function makes it this function's stopper, whatever else does.
            let same_function = handles.iter().any(|h| {
                self.cancels.iter().any(|c| c.handle == *h && c.function == Some(await_.function) && !c.in_callback)
                    || self.cancelled_by_earlier_call(info, h, &await_.parents, stmt)
            });
            // A cross-method stopper awaits the task only as a statement: a value taken from it
            // is the task's outcome, a cancelled one included.
            let bare = matches!(stmt, Stmt::Expr(_));
            if !same_function && !bare {
                // It reads the task's outcome: once the task ends cancelled, the await raises.
                if !handles_cancel(&await_.parents, stmt, names) {
                    let function = self.info_of(await_.function).map(|f| f.def.name.to_string());
                    reads.push(OutcomeRead {
                        at: await_.expr.range(),
                        text: self.source[await_.expr.range()].to_string(),
                        function,
                        receiver: handles.first().cloned().unwrap_or_default(),
                        handles,
                        class: await_.class.clone(),
                        site: await_.function,
                    });
                }
                continue;
            }
            facts.stoppers.push(StopperAwait {
                stmt,
                await_expr: await_.expr,
                parents: await_.parents.clone(),
                cancelled,
                gather: await_.gather,
                cancelled_elsewhere: if same_function { None } else { elsewhere },
                bare,
                handles,
                function: await_.function,
                class: await_.class.clone(),
            });
        }
        // Reads of task outcomes, and the coroutines whose tasks they may read.
        let mut mentions: HashMap<&str, Vec<TextRange>> = HashMap::new();
        for (name, at) in &self.mentions {
            mentions.entry(name.as_str()).or_default().push(*at);
        }
        facts.only_awaited = self.functions.iter().filter(|f| f.def.is_async && self.only_awaited(f.def, &mentions)).map(|f| f.def.range()).collect();
        for read in reads {
            let coroutines: Vec<TextRange> = facts.spawns.iter().filter(|s| shares(&read, s)).map(|s| s.coroutine).collect();
            if untraced.iter().any(|s| shares(&read, s)) {
                facts.outcome_reads.push((read, None));
            } else if !coroutines.is_empty() {
                facts.outcome_reads.push((read, Some(coroutines)));
            }
        }
        facts.deliberate = self.deliberate_swallows();
        facts
    }

    /// Whether `call`, a spawned coroutine that is not traced to one of the module's functions,
    /// may still run one: its callee's name is a function's of the module, or one the module
    /// binds (`self.handler = handler`, a parameter `job`), or it is no plain name
    /// (`handlers[key]()`); or one of its arguments names such a function or binding (a
    /// coroutine handed on: `wait_for(self.worker(), 5)`, `runner.run(self)`). A method of an
    /// object from elsewhere called with nothing of the module (`self.semaphore.acquire()`,
    /// `queue.get()`) or an imported function runs code the module does not define.
    fn may_run_own_coroutine(&self, call: &ExprCall) -> bool {
        let own = |name: &str| self.bound.contains(name) || self.functions.iter().any(|f| f.def.name.as_str() == name);
        let callee = match call.func.as_ref() {
            Expr::Name(name) => name.id.as_str(),
            Expr::Attribute(attribute) => attribute.attr.as_str(),
            _ => return true,
        };
        if own(callee) {
            return true;
        }
        struct Mentions<'f> {
            own: &'f dyn Fn(&str) -> bool,
            found: bool,
        }
        impl<'a> Visitor<'a> for Mentions<'_> {
            fn visit_expr(&mut self, expr: &'a Expr) {
                match expr {
                    Expr::Name(name) => self.found |= (self.own)(name.id.as_str()),
                    Expr::Attribute(attribute) => self.found |= (self.own)(attribute.attr.as_str()),
                    _ => {}
                }
                walk_expr(self, expr);
            }
        }
        let mut mentions = Mentions { own: &own, found: false };
        mentions.visit_arguments(&call.arguments);
        mentions.found
    }

    /// Every mention of `def`'s name (a name or an attribute, in code) calls it where its
    /// coroutine is awaited or spawned under a traced handle.
    fn only_awaited(&self, def: &StmtFunctionDef, mentions: &HashMap<&str, Vec<TextRange>>) -> bool {
        mentions.get(def.name.as_str()).is_some_and(|at| at.iter().all(|at| self.contained_calls.contains(at)))
    }

    /// `t = …` between the cancel and the await: the awaited task is a new one.
    fn rebound_between(&self, handle: &str, from: TextSize, to: TextSize, function: TextRange) -> bool {
        self.rebinds.iter().any(|(target, at, f)| *f == function && *at >= from && *at < to && &self.source[*target] == handle)
    }

    /// A call made before the await (`self._cancel_all()`) to a function of the module whose
    /// body cancels `handle`.
    fn cancelled_by_earlier_call(&self, info: &FunctionInfo, handle: &str, parents: &[&Stmt], stmt: &Stmt) -> bool {
        info.calls.iter().any(|Call { call, parents: call_parents, .. }| {
            precedes(call_parents, call.range(), parents, stmt)
                && self.callee(&call.func, info).is_some_and(|callee| {
                    self.cancels.iter().any(|c| c.handle == handle && c.function == Some(callee.def.range()) && !c.in_callback)
                })
        })
    }

    fn deliberate_swallows(&self) -> HashMap<TextRange, Deliberate> {
        let mut found = HashMap::new();
        // Self-cancels: a function that binds its own task and cancels it (`current_task()`
        // kept as `task` and `task.cancel` called or handed on as a callback), or
        // `current_task().cancel()`.
        for (binding, function) in &self.current_task_bindings {
            let cancelled = self.cancel_references.iter().find(|(target, f, class)| {
                target == binding
                    && (within(*f, *function, &self.functions)
                        || binding.starts_with("self.") && class.is_some() && *class == self.info_of(*function).and_then(|i| i.class.clone()))
            });
            if cancelled.is_some() {
                found.insert(*function, Deliberate::SelfCancel(format!("`{binding}.cancel` of `{binding} = asyncio.current_task()`")));
            }
        }
        for (target, function, _) in &self.cancel_references {
            if target.ends_with("current_task()") {
                let outermost = outermost_async(*function, &self.functions);
                found.entry(outermost).or_insert_with(|| Deliberate::SelfCancel(format!("`{target}.cancel()`")));
            }
        }
        // Nested callbacks that cancel the task bound in an enclosing function count for it.
        let nested: Vec<(TextRange, Deliberate)> = found
            .iter()
            .filter_map(|(range, d)| {
                let info = self.info_of(*range)?;
                (!info.def.is_async).then(|| (outermost_async(*range, &self.functions), d.clone()))
            })
            .collect();
        found.extend(nested);
        // The coroutine `asyncio.run()` runs, and what it awaits, transitively.
        let mut queue: Vec<(TextRange, String)> = Vec::new();
        for (call, _) in &self.entry_calls {
            let Some(Expr::Call(coroutine)) = call.arguments.args.first() else { continue };
            if let Some(entry) = self.module_function(&coroutine.func).filter(|f| f.def.is_async) {
                queue.push((entry.def.range(), entry.def.name.to_string()));
            }
        }
        let mut visited = std::collections::HashSet::new();
        while let Some((range, entry)) = queue.pop() {
            let Some(info) = self.info_of(range).filter(|_| visited.insert(range)) else { continue };
            found.entry(range).or_insert_with(|| Deliberate::EntryPoint { function: info.def.name.to_string(), entry: entry.clone() });
            for call in info.calls.iter().filter(|c| c.awaited) {
                if let Some(callee) = self.callee(&call.call.func, info).filter(|c| c.def.is_async) {
                    queue.push((callee.def.range(), entry.clone()));
                }
            }
        }
        found
    }
}

/// `inner` is `outer` or a function nested in it.
fn within(inner: TextRange, outer: TextRange, functions: &[FunctionInfo]) -> bool {
    outer.contains_range(inner) && functions.iter().any(|f| f.def.range() == outer)
}

/// The outermost async function around `range` (a sync callback nested in a coroutine counts
/// for the coroutine).
fn outermost_async(range: TextRange, functions: &[FunctionInfo]) -> TextRange {
    let mut current = range;
    loop {
        let Some(info) = functions.iter().find(|f| f.def.range() == current) else { return current };
        if info.def.is_async {
            return current;
        }
        match info.parent {
            Some(parent) => current = parent,
            None => return current,
        }
    }
}

/// Whether the code at `at` (inside `at_parents`) runs before `stmt` (inside `parents`) on
/// every path that reaches `stmt`: it is earlier, no `if`/`try`/`match` puts the two in
/// different branches, and the suites between them carry on after it (no `raise`, `return`,
/// `break` or `continue` follows it: `except: t.cancel(); raise` never reaches `await t`).
fn precedes(at_parents: &[&Stmt], at: TextRange, parents: &[&Stmt], stmt: &Stmt) -> bool {
    if at.start() >= stmt.start() {
        return false;
    }
    at_parents.iter().enumerate().all(|(depth, ancestor)| {
        let child = at_parents.get(depth + 1).map_or(at, |next| next.range());
        let shared = ancestor.range().contains_range(stmt.range()) && parents.iter().any(|p| std::ptr::eq(*p, *ancestor));
        if !shared {
            // Leaving a loop early still reaches what follows the loop.
            let is_loop = matches!(ancestor, Stmt::For(_) | Stmt::While(_));
            let ends = |s: &Stmt| matches!(s, Stmt::Raise(_) | Stmt::Return(_)) || !is_loop && matches!(s, Stmt::Break(_) | Stmt::Continue(_));
            return suites(ancestor)
                .into_iter()
                .find(|suite| holds(suite, child))
                .is_none_or(|suite| !suite.iter().any(|s| s.start() >= child.end() && ends(s)));
        }
        let branch_of = |range: TextRange| branches(ancestor).into_iter().position(|suite| holds(suite, range));
        match (branch_of(child), branch_of(stmt.range())) {
            (Some(a), Some(b)) => a == b,
            // In the header (an `if` test), or a statement that does not branch.
            _ => true,
        }
    })
}

/// Every suite of a compound statement.
fn suites(stmt: &Stmt) -> Vec<&[Stmt]> {
    match stmt {
        Stmt::FunctionDef(f) => vec![f.body.as_slice()],
        Stmt::For(s) => vec![s.body.as_slice(), s.orelse.as_slice()],
        Stmt::While(s) => vec![s.body.as_slice(), s.orelse.as_slice()],
        Stmt::With(s) => vec![s.body.as_slice()],
        other => branches(other),
    }
}

/// The alternative suites of a branching statement (one entry per branch).
fn branches(stmt: &Stmt) -> Vec<&[Stmt]> {
    match stmt {
        Stmt::If(s) => std::iter::once(s.body.as_slice()).chain(s.elif_else_clauses.iter().map(|c| c.body.as_slice())).collect(),
        Stmt::Try(s) => std::iter::once(s.body.as_slice())
            .chain(s.handlers.iter().map(|ExceptHandler::ExceptHandler(h)| h.body.as_slice()))
            .chain([s.orelse.as_slice(), s.finalbody.as_slice()])
            .collect(),
        Stmt::Match(s) => s.cases.iter().map(|c| c.body.as_slice()).collect(),
        _ => Vec::new(),
    }
}

/// Inside a `try` whose handlers catch cancellation, or a `suppress(CancelledError)` (or of
/// `BaseException`), within
/// the enclosing function.
fn is_protected(parents: &[&Stmt], stmt: &Stmt, names: &AsyncioNames) -> bool {
    under_cancel_handler(parents, stmt, names, |_| true)
}

/// [`is_protected`] by a handler that takes the cancellation: one that does more than
/// re-raise it.
fn handles_cancel(parents: &[&Stmt], stmt: &Stmt, names: &AsyncioNames) -> bool {
    under_cancel_handler(parents, stmt, names, |h| !matches!(h.body.as_slice(), [Stmt::Raise(r)] if r.exc.is_none()))
}

fn under_cancel_handler(
    parents: &[&Stmt],
    stmt: &Stmt,
    names: &AsyncioNames,
    counts: impl Fn(&ruff_python_ast::ExceptHandlerExceptHandler) -> bool,
) -> bool {
    parents.iter().rev().take_while(|s| !matches!(s, Stmt::FunctionDef(_))).any(|ancestor| match ancestor {
        Stmt::Try(try_stmt) => {
            try_stmt.body.iter().any(|s| s.range().contains_range(stmt.range()))
                && try_stmt
                    .handlers
                    .iter()
                    .any(|ExceptHandler::ExceptHandler(h)| names.catches(h.type_.as_deref()) != Catches::Nothing && counts(h))
        }
        Stmt::With(with) => with.items.iter().any(|item| match &item.context_expr {
            Expr::Call(call) => names.is_suppress(&call.func) && call.arguments.args.iter().any(|arg| names.catches(Some(arg)) != Catches::Nothing),
            _ => false,
        }),
        _ => false,
    })
}
