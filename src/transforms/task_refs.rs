//! What a name or an attribute holds — a task, a set of tasks, `asyncio.all_tasks()` — as far
//! as the code that binds it shows, and whether a task escapes: is awaited, or handed to code
//! that may await it. CS202 asks these about the tasks it sees cancelled.

use std::collections::HashSet;

use ruff_python_ast::statement_visitor::{walk_stmt as walk_statements, StatementVisitor};
use ruff_python_ast::visitor::{walk_expr, walk_stmt, Visitor};
use ruff_python_ast::{Expr, ExprCall, Stmt, StmtClassDef, StmtFor, StmtFunctionDef};
use ruff_text_size::{Ranged, TextRange};

use super::cs201_fire_and_forget_task::spawn_kind;
use super::Checker;
use crate::analysis::calls::{calls_in, LOG_METHODS};
use crate::analysis::names::AsyncioNames;
use crate::analysis::suspension::SuspensionPoints;

/// What a name or attribute holds. `waits_only`: every such task's coroutine only waits
/// (`event.wait()`, `asyncio.sleep(...)`), so it has no cleanup to wait for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// One task: `asyncio.create_task(...)`, `loop.create_task(...)`, annotated `asyncio.Task`.
    Task { waits_only: bool },
    /// A collection of tasks: a comprehension of spawns, `done, pending = await asyncio.wait(...)`,
    /// a set the code adds spawned tasks to, annotated `set[asyncio.Task]`.
    Tasks { waits_only: bool },
    /// `asyncio.all_tasks()`, filtered or not by `is not asyncio.current_task()`.
    AllTasks { excludes_current: bool },
    /// `[]`, `set()`, `{}`: a collection whose kind its additions decide.
    Empty,
    /// `None`: says nothing.
    Nothing,
    Unknown,
}

impl Kind {
    pub const TASK: Kind = Kind::Task { waits_only: false };
    pub const TASKS: Kind = Kind::Tasks { waits_only: false };

    /// The kind of a name bound several times: every binding must agree.
    fn join(self, other: Kind) -> Kind {
        match (self, other) {
            (a, b) if a == b => a,
            (Kind::Nothing, other) | (other, Kind::Nothing) => other,
            (Kind::Empty, tasks @ Kind::Tasks { .. }) | (tasks @ Kind::Tasks { .. }, Kind::Empty) => tasks,
            (Kind::Task { waits_only: a }, Kind::Task { waits_only: b }) => Kind::Task { waits_only: a && b },
            (Kind::Tasks { waits_only: a }, Kind::Tasks { waits_only: b }) => Kind::Tasks { waits_only: a && b },
            _ => Kind::Unknown,
        }
    }

    /// A collection of elements of this kind.
    fn collection(self) -> Kind {
        match self {
            Kind::Task { waits_only } => Kind::Tasks { waits_only },
            Kind::Nothing => Kind::Nothing,
            _ => Kind::Unknown,
        }
    }
}

/// The cancelled thing as code refers to it: a local of the function, or an attribute of
/// `self` (matched by attribute name wherever it appears, so that another object's `._task`
/// that may be the same task counts as a use too).
#[derive(Clone, Copy)]
pub enum Reference<'a> {
    Local(&'a str),
    Attribute(&'a str),
}

impl<'a> Reference<'a> {
    /// A local that is not a parameter (the caller holds those), or `self.<attr>`.
    pub fn of(expr: &'a Expr, function: &StmtFunctionDef) -> Option<Self> {
        match expr {
            Expr::Name(name) => {
                let is_parameter = function.parameters.iter().any(|p| p.name().as_str() == name.id.as_str());
                (!is_parameter).then_some(Reference::Local(name.id.as_str()))
            }
            Expr::Attribute(attribute) => {
                let receiver = function.parameters.iter().next().map(|p| p.name().as_str());
                matches!(attribute.value.as_ref(), Expr::Name(n) if Some(n.id.as_str()) == receiver)
                    .then_some(Reference::Attribute(attribute.attr.as_str()))
            }
            _ => None,
        }
    }

    fn matches(self, expr: &Expr) -> bool {
        match (self, expr) {
            (Reference::Local(name), Expr::Name(n)) => n.id.as_str() == name,
            (Reference::Attribute(attr), Expr::Attribute(a)) => a.attr.as_str() == attr,
            _ => false,
        }
    }

    /// What the code binding it says it holds: the function's bindings for a local, the class's
    /// for an attribute.
    pub fn kind(self, checker: &Checker<'a>, function: &'a StmtFunctionDef) -> Kind {
        let mut bindings = Bindings::new(checker, self, Some(function), 0);
        match self {
            Reference::Local(_) => bindings.visit_body(&function.body),
            Reference::Attribute(_) => match checker.enclosing_class() {
                Some(class) => bindings.visit_class(class),
                None => return Kind::Unknown,
            },
        }
        bindings.kind()
    }

    /// Is the task awaited, or handed to code that may await it (passed on, returned, stored
    /// elsewhere), anywhere but in `cancel` itself? Locals are searched in their function,
    /// attributes in the whole module.
    pub fn escapes(self, checker: &Checker, function: &StmtFunctionDef, cancel: &Stmt) -> bool {
        let search = EscapeSearch::new(checker, self, cancel.range(), function.range());
        match self {
            Reference::Local(_) => search.finds_in(&function.body),
            Reference::Attribute(_) => search.finds_in(&checker.parsed.syntax().body),
        }
    }

    /// Does the loop body let its variable escape? `for t in pending: t.cancel(); await t`
    /// awaits each one in the loop itself.
    pub fn escapes_in_loop(checker: &Checker, for_stmt: &StmtFor, variable: &str) -> bool {
        EscapeSearch::new(checker, Reference::Local(variable), TextRange::empty(for_stmt.start()), for_stmt.range()).finds_in(&for_stmt.body)
    }

    /// A collection attribute the stopper waits on through a helper of its class that waits
    /// until it is empty (see [`awaits_until_empty`]).
    pub fn awaited_until_empty(self, checker: &Checker, function: &StmtFunctionDef, cancel: &Stmt) -> bool {
        let Reference::Attribute(attr) = self else { return false };
        checker.enclosing_class().is_some_and(|class| awaits_until_empty(&ClassMethods::of(checker, class), function, cancel, attr))
    }

    /// Why the stopper may be running inside the very task it cancels, so that awaiting it
    /// would never end: the task's coroutine (`self._run()`) reaches the stopper through
    /// `self.…` calls made in the same task.
    pub fn runs_inside(self, checker: &Checker, function: &StmtFunctionDef) -> Option<String> {
        let Reference::Attribute(attr) = self else { return None };
        let class = checker.enclosing_class()?;
        let methods = ClassMethods::of(checker, class);
        let stopper = function.name.as_str();
        let spawns = spawned_methods(checker, class);
        let coroutines = || spawns.iter().filter(|(a, _)| *a == attr).map(|(_, m)| *m);
        for start in coroutines() {
            if let Some(path) = methods.call_path(start, stopper) {
                return Some(format!(
                    "`{start}` runs as this task and reaches `{stopper}` ({}): awaiting the task from inside itself would never end",
                    path.join(" → ")
                ));
            }
        }
        // The stopper runs in another task of the class, which this task's coroutine cancels in
        // an async method: once each of them awaits what it cancelled, they wait for each other.
        for (host, host_start) in spawns.iter().filter(|(a, _)| *a != attr) {
            let Some(host_path) = methods.call_path(host_start, stopper) else { continue };
            for start in coroutines() {
                let reached = methods.reachable(start, |m| &m.calls);
                let cancels_host = reached.iter().find(|(m, _)| methods.method(m).is_some_and(|m| m.is_async && m.cancels.contains(host)));
                if let Some((canceller, _)) = cancels_host {
                    return Some(format!(
                        "`{stopper}` runs in `self.{host}` ({}), which this task cancels in `{canceller}`: once each awaits the other's end, both wait forever",
                        host_path.join(" → ")
                    ));
                }
            }
        }
        None
    }
}

/// What a value in `function` holds (see [`Kind`]).
pub fn kind_of_value<'a>(checker: &Checker<'a>, function: &'a StmtFunctionDef, value: &'a Expr) -> Kind {
    Bindings::new(checker, Reference::Local(""), Some(function), 0).value_kind(value)
}

/// `tasks.values()`, `list(tasks)`, `tasks.copy()` hold the same tasks as `tasks`.
pub fn same_elements(expr: &Expr) -> &Expr {
    let Expr::Call(call) = expr else { return expr };
    match (call.func.as_ref(), call.arguments.args.as_ref()) {
        (Expr::Attribute(method), []) if matches!(method.attr.as_str(), "values" | "copy") => same_elements(&method.value),
        (Expr::Name(builtin), [only]) if matches!(builtin.id.as_str(), "list" | "set" | "tuple" | "sorted" | "frozenset") => {
            same_elements(only)
        }
        _ => expr,
    }
}

/// Collects what the bindings of a reference say it holds.
struct Bindings<'c, 'a> {
    checker: &'c Checker<'a>,
    reference: Reference<'a>,
    /// The function being searched, for resolving a local that a value names.
    function: Option<&'a StmtFunctionDef>,
    /// 0 for the reference asked about; 1 while resolving a local its value names (no deeper).
    depth: u8,
    kind: Option<Kind>,
    /// What `.add(x)` / `.append(x)` / `[k] = x` put into it.
    additions: Kind,
}

impl<'c, 'a> Bindings<'c, 'a> {
    fn new(checker: &'c Checker<'a>, reference: Reference<'a>, function: Option<&'a StmtFunctionDef>, depth: u8) -> Self {
        Bindings { checker, reference, function, depth, kind: None, additions: Kind::Nothing }
    }

    fn bind(&mut self, kind: Kind) {
        self.kind = Some(self.kind.map_or(kind, |k| k.join(kind)));
    }

    fn add(&mut self, element: Kind) {
        self.additions = self.additions.join(element.collection());
    }

    /// Every binding and every addition together.
    fn kind(&self) -> Kind {
        let bound = self.kind.unwrap_or(Kind::Unknown);
        match (bound, self.additions) {
            // An empty collection nothing is added to says nothing.
            (Kind::Empty, Kind::Nothing) => Kind::Unknown,
            (bound, Kind::Nothing) => bound,
            (Kind::Empty | Kind::Tasks { .. }, added) => bound.join(added),
            _ => Kind::Unknown,
        }
    }

    fn visit_class(&mut self, class: &'a StmtClassDef) {
        let mut declared = None;
        for stmt in &class.body {
            match stmt {
                // Class-level `_task: asyncio.Task | None = None`.
                Stmt::AnnAssign(assign) if matches!(self.reference, Reference::Attribute(a) if matches!(assign.target.as_ref(), Expr::Name(n) if n.id.as_str() == a)) => {
                    let kind = kind_of_annotation(self.checker, &assign.annotation).unwrap_or(Kind::Unknown);
                    match assign.value {
                        Some(_) => self.bind(kind),
                        None => declared = Some(kind),
                    }
                }
                Stmt::FunctionDef(method) => {
                    self.function = Some(method);
                    self.visit_body(&method.body);
                }
                _ => {}
            }
        }
        // A bare declaration (`_task: asyncio.Task | None`) binds nothing: it says what the
        // attribute holds only where the class binds it to nothing else (`None` in a base
        // class whose subclasses start the task).
        if let Some(kind) = declared.filter(|_| matches!(self.kind, None | Some(Kind::Nothing))) {
            self.bind(kind);
        }
    }

    /// What a value holds: a spawned task, a collection of them, `asyncio.all_tasks()`, or
    /// what the local it names holds (one level deep).
    fn value_kind(&self, value: &'a Expr) -> Kind {
        match value {
            Expr::NoneLiteral(_) => Kind::Nothing,
            Expr::Name(name) => match self.function.filter(|_| self.depth == 0) {
                Some(function) => {
                    let mut local = Bindings::new(self.checker, Reference::Local(name.id.as_str()), Some(function), self.depth + 1);
                    local.visit_body(&function.body);
                    local.kind()
                }
                None => Kind::Unknown,
            },
            Expr::Call(call) => self.call_kind(call),
            Expr::List(ruff_python_ast::ExprList { elts, .. })
            | Expr::Set(ruff_python_ast::ExprSet { elts, .. })
            | Expr::Tuple(ruff_python_ast::ExprTuple { elts, .. }) => self.elements_kind(elts.iter()),
            Expr::Dict(dict) => self.elements_kind(dict.iter_values()),
            Expr::ListComp(ruff_python_ast::ExprListComp { elt, generators, .. })
            | Expr::SetComp(ruff_python_ast::ExprSetComp { elt, generators, .. })
            | Expr::Generator(ruff_python_ast::ExprGenerator { elt, generators, .. }) => self.comprehension_kind(elt, generators),
            Expr::DictComp(comp) => self.comprehension_kind(&comp.value, &comp.generators),
            _ => Kind::Unknown,
        }
    }

    fn call_kind(&self, call: &'a ExprCall) -> Kind {
        if spawn_kind(self.checker, call).is_some() {
            return Kind::Task { waits_only: spawns_a_wait(self.checker, call) };
        }
        if self.checker.names.asyncio_member(&call.func) == Some("all_tasks") {
            return Kind::AllTasks { excludes_current: false };
        }
        match (call.func.as_ref(), call.arguments.args.as_ref()) {
            (Expr::Name(builtin), []) if matches!(builtin.id.as_str(), "set" | "list" | "dict" | "deque" | "WeakSet") => Kind::Empty,
            (Expr::Attribute(a), []) if a.attr.as_str() == "WeakSet" => Kind::Empty,
            (Expr::Name(builtin), [only]) if matches!(builtin.id.as_str(), "set" | "list" | "tuple" | "frozenset") => self.value_kind(only),
            _ => Kind::Unknown,
        }
    }

    /// A literal holds tasks when each element is one (`[]` holds nothing yet).
    fn elements_kind(&self, mut elements: impl Iterator<Item = &'a Expr>) -> Kind {
        let Some(first) = elements.next() else { return Kind::Empty };
        let kind = elements.fold(self.value_kind(first), |kind, element| kind.join(self.value_kind(element)));
        match kind {
            Kind::Task { .. } => kind.collection(),
            _ => Kind::Unknown,
        }
    }

    /// `[create_task(f(x)) for x in xs]` holds tasks; `[t for t in asyncio.all_tasks() if t is
    /// not asyncio.current_task()]` holds every task but this one.
    fn comprehension_kind(&self, element: &'a Expr, generators: &'a [ruff_python_ast::Comprehension]) -> Kind {
        if let element_kind @ Kind::Task { .. } = self.value_kind(element) {
            return element_kind.collection();
        }
        let [generator] = generators else { return Kind::Unknown };
        let Expr::Name(variable) = &generator.target else { return Kind::Unknown };
        if !matches!(element, Expr::Name(n) if n.id == variable.id) {
            return Kind::Unknown;
        }
        match self.value_kind(&generator.iter) {
            Kind::AllTasks { .. } => {
                let excludes_current = generator.ifs.iter().any(|test| mentions_current_task(&self.checker.names, test));
                Kind::AllTasks { excludes_current }
            }
            tasks @ Kind::Tasks { .. } => tasks,
            _ => Kind::Unknown,
        }
    }

    /// `done, pending = await asyncio.wait(aws, ...)`: each holds some of `aws`.
    fn waited_kind(&self, awaited: &'a Expr) -> Kind {
        let Expr::Call(call) = awaited else { return Kind::Unknown };
        if self.checker.names.asyncio_member(&call.func) != Some("wait") {
            return Kind::Unknown;
        }
        match call.arguments.args.first().map(|aws| self.value_kind(aws)) {
            Some(tasks @ Kind::Tasks { .. }) => tasks,
            _ => Kind::TASKS,
        }
    }

    fn target(&mut self, target: &'a Expr, value: Option<&'a Expr>) {
        match target {
            Expr::Tuple(tuple) => {
                for (index, element) in tuple.elts.iter().enumerate() {
                    if self.reference.matches(element) {
                        let kind = match value {
                            Some(Expr::Tuple(values)) if values.elts.len() == tuple.elts.len() => self.value_kind(&values.elts[index]),
                            Some(Expr::Await(awaited)) => self.waited_kind(&awaited.value),
                            _ => Kind::Unknown,
                        };
                        self.bind(kind);
                    } else {
                        self.target(element, None);
                    }
                }
            }
            Expr::Subscript(subscript) if self.reference.matches(&subscript.value) => {
                let kind = value.map_or(Kind::Unknown, |v| self.value_kind(v));
                self.add(kind);
            }
            other if self.reference.matches(other) => {
                let kind = value.map_or(Kind::Unknown, |v| self.value_kind(v));
                self.bind(kind);
            }
            _ => {}
        }
    }
}

impl<'a> StatementVisitor<'a> for Bindings<'_, 'a> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        match stmt {
            Stmt::Assign(assign) => {
                for target in &assign.targets {
                    self.target(target, Some(&assign.value));
                }
            }
            // The annotation decides unless the value says otherwise, or is another name's
            // task: `self._task: asyncio.Task = task` holds a task someone else gave it.
            Stmt::AnnAssign(assign) if self.reference.matches(&assign.target) => {
                let value = assign.value.as_deref();
                let value_kind = value.map_or(Kind::Nothing, |v| self.value_kind(v));
                let alias = value.is_some_and(|v| matches!(v, Expr::Name(_) | Expr::Attribute(_) | Expr::Subscript(_)));
                let kind = match (value_kind, kind_of_annotation(self.checker, &assign.annotation)) {
                    (Kind::Unknown, Some(annotated)) if !alias => annotated,
                    (Kind::Nothing | Kind::Empty, Some(annotated)) => annotated,
                    (value_kind, _) => value_kind,
                };
                self.bind(kind);
            }
            Stmt::AugAssign(assign) if self.reference.matches(&assign.target) => self.bind(Kind::Unknown),
            Stmt::For(for_stmt) if self.reference.matches(&for_stmt.target) => self.bind(Kind::Unknown),
            Stmt::With(with) if with.items.iter().any(|item| item.optional_vars.as_deref().is_some_and(|v| self.reference.matches(v))) => {
                self.bind(Kind::Unknown);
            }
            Stmt::Expr(expr) => {
                if let Expr::Call(call) = expr.value.as_ref() {
                    if let Expr::Attribute(method) = call.func.as_ref() {
                        if self.reference.matches(&method.value) {
                            match (method.attr.as_str(), call.arguments.args.as_ref()) {
                                ("add" | "append" | "appendleft", [element]) => {
                                    let kind = self.value_kind(element);
                                    self.add(kind);
                                }
                                ("extend" | "update", [elements]) => {
                                    let kind = match self.value_kind(elements) {
                                        Kind::Tasks { waits_only } => Kind::Task { waits_only },
                                        _ => Kind::Unknown,
                                    };
                                    self.add(kind);
                                }
                                _ => {}
                            }
                        }
                    }
                }
            }
            Stmt::Global(_) | Stmt::Nonlocal(_) if matches!(self.reference, Reference::Local(_)) => self.bind(Kind::Unknown),
            _ => {}
        }
        match stmt {
            // A nested function's locals are its own; `self` in a nested method is another object.
            Stmt::FunctionDef(_) | Stmt::ClassDef(_) => {}
            _ => walk_statements(self, stmt),
        }
    }
}

/// A spawn whose coroutine only waits — `create_task(event.wait())`, `ensure_future(asyncio.sleep(1))`,
/// or a coroutine function of this module that only sleeps or waits and then does plain work
/// (a timer: `async def later(delay, callback): await asyncio.sleep(delay); callback()`) —
/// has no cleanup: a cancel finds it at a wait, and nothing of it runs after that. Cancelling
/// it without awaiting it leaks nothing.
fn spawns_a_wait(checker: &Checker, spawn: &ExprCall) -> bool {
    let Some(Expr::Call(coroutine)) = spawn.arguments.args.first() else { return false };
    if is_a_wait(checker, coroutine) {
        return true;
    }
    let name = match coroutine.func.as_ref() {
        Expr::Name(name) => name.id.as_str(),
        Expr::Attribute(attr) if matches!(attr.value.as_ref(), Expr::Name(n) if n.id.as_str() == "self") => attr.attr.as_str(),
        _ => return false,
    };
    let definitions = definitions_named(checker.parsed.syntax().body.as_slice(), name);
    !definitions.is_empty() && definitions.iter().all(|function| function.is_async && only_waits(checker, &function.body))
}

/// `asyncio.sleep(...)`, or `something.wait()` (an event or a condition).
fn is_a_wait(checker: &Checker, call: &ExprCall) -> bool {
    let waits = matches!(call.func.as_ref(), Expr::Attribute(a) if a.attr.as_str() == "wait") && call.arguments.is_empty();
    waits || checker.names.asyncio_member(&call.func) == Some("sleep")
}

/// Every function of the module named `name`, at any depth (a method, a helper nested in the
/// function that spawns it); the caller needs all of them to agree, as it cannot tell which.
fn definitions_named<'a>(body: &'a [Stmt], name: &str) -> Vec<&'a StmtFunctionDef> {
    struct Definitions<'a, 'n> {
        name: &'n str,
        found: Vec<&'a StmtFunctionDef>,
    }
    impl<'a> StatementVisitor<'a> for Definitions<'a, '_> {
        fn visit_stmt(&mut self, stmt: &'a Stmt) {
            if let Stmt::FunctionDef(function) = stmt {
                if function.name.as_str() == self.name {
                    self.found.push(function);
                }
            }
            walk_statements(self, stmt);
        }
    }
    let mut definitions = Definitions { name, found: Vec::new() };
    definitions.visit_body(body);
    definitions.found
}

/// A body that has no cleanup to run when cancelled: every `await` is a wait ([`is_a_wait`])
/// and there is no `async for` or `async with`, so a cancel can only arrive at a wait and ends
/// the coroutine there; and nothing runs on the way out ([`unwinds_through_code`]).
fn only_waits(checker: &Checker, body: &[Stmt]) -> bool {
    let points = SuspensionPoints::of(body);
    points.async_blocks == 0
        && points.awaited.iter().all(|awaited| matches!(awaited, Expr::Call(call) if is_a_wait(checker, call)))
        && !unwinds_through_code(body)
}

/// Whether a cancel unwinding `body` runs code of it (a `try`, a `with`), or the body suspends
/// other than by `await` (`yield`, an `async for` in a comprehension).
fn unwinds_through_code(body: &[Stmt]) -> bool {
    #[derive(Default)]
    struct Finder {
        found: bool,
    }
    impl<'b> Visitor<'b> for Finder {
        fn visit_stmt(&mut self, stmt: &'b Stmt) {
            match stmt {
                Stmt::Try(_) | Stmt::With(_) => self.found = true,
                // A nested function runs only when called, which the body's awaits show.
                Stmt::FunctionDef(_) | Stmt::ClassDef(_) => {}
                _ => walk_stmt(self, stmt),
            }
        }
        fn visit_expr(&mut self, expr: &'b Expr) {
            match expr {
                Expr::Yield(_) | Expr::YieldFrom(_) => self.found = true,
                Expr::Lambda(_) => {}
                _ => walk_expr(self, expr),
            }
        }
        fn visit_comprehension(&mut self, comprehension: &'b ruff_python_ast::Comprehension) {
            self.found |= comprehension.is_async;
            ruff_python_ast::visitor::walk_comprehension(self, comprehension);
        }
    }
    let mut finder = Finder::default();
    finder.visit_body(body);
    finder.found
}

fn mentions_current_task(names: &AsyncioNames, expr: &Expr) -> bool {
    calls_in(expr).iter().any(|call| names.asyncio_member(&call.func) == Some("current_task"))
}

/// `asyncio.Task`, `Task[None] | None`, `Optional["asyncio.Task[None]"]` → a task;
/// `set[asyncio.Task]`, `dict[str, asyncio.Task]` → tasks; `None` when it names no task.
fn kind_of_annotation(checker: &Checker, annotation: &Expr) -> Option<Kind> {
    const COLLECTIONS: &[&str] = &[
        "set", "Set", "MutableSet", "frozenset", "FrozenSet", "list", "List", "Sequence", "MutableSequence", "Iterable",
        "Collection", "tuple", "Tuple", "deque", "Deque", "WeakSet", "dict", "Dict", "Mapping", "MutableMapping",
        "defaultdict", "DefaultDict", "OrderedDict",
    ];
    let names_task = |expr: &Expr| -> bool {
        struct Finder<'c, 'a> {
            checker: &'c Checker<'a>,
            found: bool,
        }
        impl<'x> Visitor<'x> for Finder<'_, '_> {
            fn visit_expr(&mut self, expr: &'x Expr) {
                match expr {
                    Expr::StringLiteral(string) => self.found |= string.value.to_str().contains("asyncio.Task"),
                    other => self.found |= self.checker.names.asyncio_member(other) == Some("Task"),
                }
                walk_expr(self, expr);
            }
        }
        let mut finder = Finder { checker, found: false };
        finder.visit_expr(expr);
        finder.found
    };
    if !names_task(annotation) {
        return None;
    }
    let outer_name = |expr: &Expr| match expr {
        Expr::Name(n) => Some(n.id.to_string()),
        Expr::Attribute(a) => Some(a.attr.to_string()),
        _ => None,
    };
    // Look through `Optional[...]`, `X | None`, `Union[X, None]`.
    let mut shape = annotation;
    loop {
        shape = match shape {
            Expr::BinOp(bin) if bin.right.is_none_literal_expr() => &bin.left,
            Expr::BinOp(bin) if bin.left.is_none_literal_expr() => &bin.right,
            Expr::Subscript(sub) if matches!(outer_name(&sub.value).as_deref(), Some("Optional")) => &sub.slice,
            _ => break,
        };
    }
    match shape {
        Expr::Subscript(sub) if outer_name(&sub.value).is_some_and(|n| COLLECTIONS.contains(&n.as_str())) => Some(Kind::TASKS),
        Expr::Subscript(sub) if outer_name(&sub.value).is_some_and(|n| n == "Task") => Some(Kind::TASK),
        Expr::StringLiteral(_) | Expr::Name(_) | Expr::Attribute(_) => Some(Kind::TASK),
        _ => Some(Kind::Unknown),
    }
}

/// Methods of a task that inspect or cancel it, of a collection that change what it holds, and
/// of a collection that drop a task from it: calling one neither awaits nor hands on the task.
const TASK_INSPECTION: &[&str] = &[
    "cancel", "cancelled", "done", "cancelling", "uncancel", "get_name", "set_name", "add_done_callback",
    "remove_done_callback", "get_coro", "get_loop", "get_context", "print_stack", "get_stack",
];
const COLLECTION_UPDATES: &[&str] = &["add", "append", "appendleft", "extend", "update", "insert", "clear"];
const DROPS: &[&str] = &["discard", "remove"];
const INERT_METHODS: &[&[&str]] = &[TASK_INSPECTION, COLLECTION_UPDATES, DROPS];

/// How a place in the code uses the reference found there.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Use {
    /// Inspects, cancels, rebinds, logs it: nothing that waits for the task to end.
    Inert,
    /// Awaits it, or hands it on to code that may.
    Escapes,
    /// `asyncio.wait(..., timeout=…)` / `asyncio.shield(...)`: may return before the task ends.
    /// Before the cancel it proves nothing; after it, it is a wait.
    MayReturnEarly,
}

/// Finds a use of the reference that awaits it or hands it on.
struct EscapeSearch<'n, 'r> {
    names: &'n AsyncioNames,
    reference: Reference<'r>,
    /// The cancel statement itself, which is not searched.
    cancel: TextRange,
    /// The function holding the cancel: waits in it after the cancel count as awaiting.
    function: TextRange,
    found: bool,
}

impl<'n, 'r> EscapeSearch<'n, 'r> {
    fn new(checker: &'n Checker, reference: Reference<'r>, cancel: TextRange, function: TextRange) -> Self {
        EscapeSearch { names: &checker.names, reference, cancel, function, found: false }
    }

    fn finds_in(mut self, body: &[Stmt]) -> bool {
        self.visit_body(body);
        self.found
    }

    /// `while not t.done():` polls the task until it ends: a wait.
    fn polls(&self, test: &Expr) -> bool {
        struct Poll<'s, 'n, 'r>(&'s EscapeSearch<'n, 'r>, bool);
        impl<'a> Visitor<'a> for Poll<'_, '_, '_> {
            fn visit_expr(&mut self, expr: &'a Expr) {
                if let Expr::Attribute(attribute) = expr {
                    self.1 |= matches!(attribute.attr.as_str(), "done" | "cancelled") && self.0.reference.matches(&attribute.value);
                }
                walk_expr(self, expr);
            }
        }
        let mut poll = Poll(self, false);
        poll.visit_expr(test);
        poll.1
    }

    fn expr(&mut self, expr: &Expr, how: Use) {
        if self.found {
            return;
        }
        if self.reference.matches(expr) {
            let after_cancel = self.function.contains_range(expr.range()) && expr.start() >= self.cancel.end();
            self.found = match how {
                Use::Inert => false,
                Use::Escapes => true,
                Use::MayReturnEarly => after_cancel,
            };
            return;
        }
        match expr {
            Expr::Call(call) => self.call(call, how),
            Expr::Compare(compare) => {
                self.expr(&compare.left, Use::Inert);
                compare.comparators.iter().for_each(|c| self.expr(c, Use::Inert));
            }
            Expr::BoolOp(bool_op) => bool_op.values.iter().for_each(|v| self.expr(v, how)),
            Expr::UnaryOp(unary) if unary.op.is_not() => self.expr(&unary.operand, Use::Inert),
            Expr::If(if_expr) => {
                self.expr(&if_expr.test, Use::Inert);
                self.expr(&if_expr.body, how);
                self.expr(&if_expr.orelse, how);
            }
            Expr::Starred(starred) => self.expr(&starred.value, how),
            // `task.cancel` or `tasks.discard` handed over as a callback: a bound method, not the task.
            Expr::Attribute(attribute) if INERT_METHODS.iter().any(|m| m.contains(&attribute.attr.as_str())) => {
                self.expr(&attribute.value, Use::Inert);
            }
            Expr::Subscript(subscript) => {
                self.expr(&subscript.value, how);
                self.expr(&subscript.slice, Use::Escapes);
            }
            // Formatting it into a message.
            Expr::FString(_) => {
                let mut inert = InertWalk(self);
                walk_expr(&mut inert, expr);
            }
            _ => walk_expr(self, expr),
        }
    }

    fn call(&mut self, call: &ExprCall, how: Use) {
        const VIEWS: &[&str] = &["values", "items", "keys", "copy"];
        let (receiver, arguments) = match self.names.asyncio_member(&call.func) {
            Some("wait") if call.arguments.find_keyword("timeout").is_some() || call.arguments.find_keyword("return_when").is_some() => {
                (None, Use::MayReturnEarly)
            }
            Some("shield") => (None, Use::MayReturnEarly),
            _ => match call.func.as_ref() {
                Expr::Attribute(method) => {
                    let name = method.attr.as_str();
                    let (on_receiver, on_arguments) = if TASK_INSPECTION.contains(&name) || COLLECTION_UPDATES.contains(&name) {
                        (Use::Inert, Use::Escapes)
                    } else if DROPS.contains(&name) {
                        (Use::Inert, Use::Inert)
                    } else if VIEWS.contains(&name) {
                        (how, Use::Escapes)
                    } else if LOG_METHODS.contains(&name) {
                        (Use::Escapes, Use::Inert)
                    } else {
                        (Use::Escapes, Use::Escapes)
                    };
                    (Some((method.value.as_ref(), on_receiver)), on_arguments)
                }
                Expr::Name(function) => {
                    let on_arguments = match function.id.as_str() {
                        "len" | "bool" | "id" | "repr" | "str" | "isinstance" | "hash" | "type" | "print" => Use::Inert,
                        "list" | "set" | "tuple" | "sorted" | "frozenset" => how,
                        _ => Use::Escapes,
                    };
                    (None, on_arguments)
                }
                other => (Some((other, Use::Escapes)), Use::Escapes),
            },
        };
        if let Some((receiver, use_)) = receiver {
            self.expr(receiver, use_);
        }
        for argument in &call.arguments.args {
            self.expr(argument, arguments);
        }
        for keyword in &call.arguments.keywords {
            self.expr(&keyword.value, arguments);
        }
    }

    /// An assignment target: rebinding the reference, or storing into it, uses nothing.
    fn target(&mut self, target: &Expr) {
        match target {
            Expr::Subscript(subscript) if self.reference.matches(&subscript.value) => self.expr(&subscript.slice, Use::Escapes),
            Expr::Tuple(ruff_python_ast::ExprTuple { elts, .. }) | Expr::List(ruff_python_ast::ExprList { elts, .. }) => {
                elts.iter().for_each(|e| self.target(e));
            }
            Expr::Starred(starred) => self.target(&starred.value),
            other if self.reference.matches(other) => {}
            other => self.expr(other, Use::Escapes),
        }
    }

    /// `for t in tasks:` — the loop hands each task to its variable: an escape if the body
    /// lets the variable escape.
    fn loop_over(&mut self, for_stmt: &StmtFor) -> bool {
        let Expr::Name(variable) = for_stmt.target.as_ref() else { return false };
        if !self.reference.matches(same_elements(&for_stmt.iter)) {
            return false;
        }
        let inner = EscapeSearch { names: self.names, reference: Reference::Local(variable.id.as_str()), cancel: self.cancel, function: self.function, found: false };
        self.found |= inner.finds_in(&for_stmt.body);
        true
    }
}

/// Walks an f-string's parts, where a mention is only formatted.
struct InertWalk<'s, 'n, 'r>(&'s mut EscapeSearch<'n, 'r>);

impl<'a> Visitor<'a> for InertWalk<'_, '_, '_> {
    fn visit_expr(&mut self, expr: &'a Expr) {
        self.0.expr(expr, Use::Inert);
    }
}

impl<'a> Visitor<'a> for EscapeSearch<'_, '_> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        if self.found || stmt.range() == self.cancel {
            return;
        }
        match stmt {
            Stmt::Expr(expr) => self.expr(&expr.value, Use::Inert),
            Stmt::Assign(assign) => {
                assign.targets.iter().for_each(|t| self.target(t));
                self.expr(&assign.value, Use::Escapes);
            }
            Stmt::AnnAssign(assign) => {
                self.target(&assign.target);
                if let Some(value) = &assign.value {
                    self.expr(value, Use::Escapes);
                }
            }
            Stmt::AugAssign(assign) => {
                self.target(&assign.target);
                self.expr(&assign.value, Use::Escapes);
            }
            Stmt::Delete(delete) => delete.targets.iter().for_each(|t| self.target(t)),
            Stmt::If(if_stmt) => {
                self.expr(&if_stmt.test, Use::Inert);
                self.visit_body(&if_stmt.body);
                for clause in &if_stmt.elif_else_clauses {
                    if let Some(test) = &clause.test {
                        self.expr(test, Use::Inert);
                    }
                    self.visit_body(&clause.body);
                }
            }
            Stmt::Assert(assert) => {
                self.expr(&assert.test, Use::Inert);
            }
            Stmt::While(while_stmt) if self.polls(&while_stmt.test) => self.found = true,
            Stmt::For(for_stmt) => {
                if !self.loop_over(for_stmt) {
                    self.expr(&for_stmt.iter, Use::Escapes);
                }
                self.target(&for_stmt.target);
                self.visit_body(&for_stmt.body);
                self.visit_body(&for_stmt.orelse);
            }
            _ => walk_stmt(self, stmt),
        }
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        self.expr(expr, Use::Escapes);
    }
}

/// The methods of a class and how they refer to `self`: which methods each one calls in its
/// own task (`self.close()`, not `create_task(self.close())`), which names it mentions at all
/// (`self.empty` handed to `wait_for`), and which attributes it tests for emptiness
/// (`not self._tasks`, `len(self._tasks)`).
struct ClassMethods<'a> {
    methods: Vec<Method<'a>>,
}

struct Method<'a> {
    name: &'a str,
    is_async: bool,
    calls: HashSet<&'a str>,
    /// Attributes it calls `.cancel()` on.
    cancels: HashSet<&'a str>,
    mentions: HashSet<&'a str>,
    tests_empty: HashSet<&'a str>,
}

impl<'a> ClassMethods<'a> {
    fn of(checker: &Checker, class: &'a StmtClassDef) -> Self {
        struct Walk<'c, 'x, 'a> {
            checker: &'c Checker<'x>,
            receiver: &'a str,
            method: Method<'a>,
        }
        impl<'a> Walk<'_, '_, 'a> {
            fn own(&self, expr: &'a Expr) -> Option<&'a str> {
                match expr {
                    Expr::Attribute(a) if matches!(a.value.as_ref(), Expr::Name(n) if n.id.as_str() == self.receiver) => Some(a.attr.as_str()),
                    _ => None,
                }
            }
            fn tested(&mut self, expr: &'a Expr) {
                if let Some(attr) = self.own(expr) {
                    self.method.tests_empty.insert(attr);
                }
            }
        }
        impl<'a> Visitor<'a> for Walk<'_, '_, 'a> {
            fn visit_expr(&mut self, expr: &'a Expr) {
                match expr {
                    // Spawned: runs in a task of its own.
                    Expr::Call(call) if spawn_kind(self.checker, call).is_some() => {
                        walk_expr(&mut Mentioned(&mut self.method.mentions, self.receiver), expr);
                        return;
                    }
                    Expr::Call(call) => {
                        if let Some(callee) = self.own(&call.func) {
                            self.method.calls.insert(callee);
                        }
                        if let Expr::Attribute(method) = call.func.as_ref() {
                            if let (Some(cancelled), "cancel") = (self.own(&method.value), method.attr.as_str()) {
                                self.method.cancels.insert(cancelled);
                            }
                        }
                        if let (Expr::Name(builtin), [only]) = (call.func.as_ref(), call.arguments.args.as_ref()) {
                            if matches!(builtin.id.as_str(), "len" | "bool") {
                                self.tested(only);
                            }
                        }
                    }
                    Expr::UnaryOp(unary) if unary.op.is_not() => self.tested(&unary.operand),
                    Expr::Attribute(_) => {
                        if let Some(attr) = self.own(expr) {
                            self.method.mentions.insert(attr);
                        }
                    }
                    _ => {}
                }
                walk_expr(self, expr);
            }
        }
        /// Collects the `self.<name>`s inside a spawned call: mentioned, not called here.
        struct Mentioned<'m, 'a>(&'m mut HashSet<&'a str>, &'a str);
        impl<'a> Visitor<'a> for Mentioned<'_, 'a> {
            fn visit_expr(&mut self, expr: &'a Expr) {
                if let Expr::Attribute(a) = expr {
                    if matches!(a.value.as_ref(), Expr::Name(n) if n.id.as_str() == self.1) {
                        self.0.insert(a.attr.as_str());
                    }
                }
                walk_expr(self, expr);
            }
        }
        let methods = class
            .body
            .iter()
            .filter_map(|stmt| match stmt {
                Stmt::FunctionDef(method) => {
                    let receiver = method.parameters.iter().next()?.name().as_str();
                    let empty = Method {
                        name: method.name.as_str(),
                        is_async: method.is_async,
                        calls: HashSet::new(),
                        cancels: HashSet::new(),
                        mentions: HashSet::new(),
                        tests_empty: HashSet::new(),
                    };
                    let mut walk = Walk { checker, receiver, method: empty };
                    walk.visit_body(&method.body);
                    Some(walk.method)
                }
                _ => None,
            })
            .collect();
        ClassMethods { methods }
    }

    fn method(&self, name: &str) -> Option<&Method<'a>> {
        self.methods.iter().find(|m| m.name == name)
    }

    /// The methods `start` reaches by following `next`, `start` first, each with the index of
    /// the method that led to it.
    fn reachable(&self, start: &'a str, next: impl for<'m> Fn(&'m Method<'a>) -> &'m HashSet<&'a str>) -> Vec<(&'a str, Option<usize>)> {
        let mut seen: Vec<(&'a str, Option<usize>)> = Vec::new();
        if self.method(start).is_none() {
            return seen;
        }
        seen.push((start, None));
        let mut at = 0;
        while at < seen.len() {
            let Some(method) = self.method(seen[at].0) else { break };
            let mut following: Vec<&'a str> = next(method).iter().copied().filter(|m| self.method(m).is_some()).collect();
            following.sort_unstable();
            for callee in following {
                if !seen.iter().any(|(m, _)| *m == callee) {
                    seen.push((callee, Some(at)));
                }
            }
            at += 1;
        }
        seen
    }

    /// `start` → … → `goal` through calls made in the same task, if `start` reaches `goal`.
    fn call_path(&self, start: &'a str, goal: &str) -> Option<Vec<&'a str>> {
        let seen = self.reachable(start, |m| &m.calls);
        let mut at = seen.iter().position(|(m, _)| *m == goal)?;
        let mut path = vec![seen[at].0];
        while let Some(previous) = seen[at].1 {
            path.push(seen[previous].0);
            at = previous;
        }
        path.reverse();
        Some(path)
    }
}

/// After the cancel loop, the stopper awaits a method of its class that waits until the
/// collection is empty (`await self.wait()`, where `wait` waits for `not self._tasks`): the
/// tasks remove themselves when done, so that helper waits for them.
fn awaits_until_empty(methods: &ClassMethods, function: &StmtFunctionDef, cancel: &Stmt, attr: &str) -> bool {
    struct Awaits<'a> {
        after: ruff_text_size::TextSize,
        receiver: Option<&'a str>,
        called: Vec<&'a str>,
    }
    impl<'a> Visitor<'a> for Awaits<'a> {
        fn visit_expr(&mut self, expr: &'a Expr) {
            if let Expr::Await(awaited) = expr {
                if let Expr::Call(call) = awaited.value.as_ref() {
                    if let Expr::Attribute(method) = call.func.as_ref() {
                        if expr.start() >= self.after && matches!(method.value.as_ref(), Expr::Name(n) if Some(n.id.as_str()) == self.receiver) {
                            self.called.push(method.attr.as_str());
                        }
                    }
                }
            }
            walk_expr(self, expr);
        }
    }
    let receiver = function.parameters.iter().next().map(|p| p.name().as_str());
    let mut awaits = Awaits { after: cancel.end(), receiver, called: Vec::new() };
    awaits.visit_body(&function.body);
    awaits.called.into_iter().any(|helper| {
        methods
            .reachable(helper, |m| &m.mentions)
            .iter()
            .filter(|(method, _)| *method != function.name.as_str())
            .any(|(method, _)| methods.method(method).is_some_and(|m| m.tests_empty.contains(attr)))
    })
}

/// Which method's coroutine runs as the task stored in which attribute, for every attribute of
/// the class: `self._task = asyncio.create_task(self._run())` → (`_task`, `_run`); also
/// `self._tasks.add(...)`, `self._tasks[key] = ...`.
fn spawned_methods<'a>(checker: &Checker, class: &'a StmtClassDef) -> Vec<(&'a str, &'a str)> {
    struct Spawns<'c, 'x, 'a> {
        checker: &'c Checker<'x>,
        found: Vec<(&'a str, &'a str)>,
    }
    impl<'a> Spawns<'_, '_, 'a> {
        fn stored(&mut self, target: &'a Expr, value: &'a Expr) {
            let attr = match target {
                Expr::Attribute(a) => a.attr.as_str(),
                Expr::Subscript(s) => match s.value.as_ref() {
                    Expr::Attribute(a) => a.attr.as_str(),
                    _ => return,
                },
                _ => return,
            };
            let Expr::Call(call) = value else { return };
            if spawn_kind(self.checker, call).is_none() {
                return;
            }
            if let Some(Expr::Call(coroutine)) = call.arguments.args.first() {
                if let Expr::Attribute(method) = coroutine.func.as_ref() {
                    if method.value.is_name_expr() {
                        self.found.push((attr, method.attr.as_str()));
                    }
                }
            }
        }
    }
    impl<'a> StatementVisitor<'a> for Spawns<'_, '_, 'a> {
        fn visit_stmt(&mut self, stmt: &'a Stmt) {
            match stmt {
                Stmt::Assign(assign) => assign.targets.iter().for_each(|t| self.stored(t, &assign.value)),
                Stmt::AnnAssign(assign) => {
                    if let Some(value) = &assign.value {
                        self.stored(&assign.target, value);
                    }
                }
                Stmt::Expr(expr) => {
                    if let Expr::Call(call) = expr.value.as_ref() {
                        if let (Expr::Attribute(method), [element]) = (call.func.as_ref(), call.arguments.args.as_ref()) {
                            if matches!(method.attr.as_str(), "add" | "append") {
                                self.stored(&method.value, element);
                            }
                        }
                    }
                }
                _ => {}
            }
            walk_statements(self, stmt);
        }
    }
    let mut spawns = Spawns { checker, found: Vec::new() };
    spawns.visit_body(&class.body);
    spawns.found
}
