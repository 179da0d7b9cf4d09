//! The transforms: one module per rule. A transform sees a parsed module through the
//! [`Checker`] and reports [`Finding`]s with optional fixes; it knows nothing about files,
//! output or the command line.

pub mod cs101_swallowed_cancellation;
pub mod cs102_broad_except_swallows_cancellation;
pub mod cs103_foreign_cancel_swallows_own_cancel;
pub mod cs104_cancelled_task_awaited_bare;
pub mod cs105_async_keyboard_interrupt_handler;
pub mod cs201_fire_and_forget_task;
pub mod cs202_cancelled_task_never_awaited;
pub mod cs301_unshielded_cleanup_await;
pub mod cs401_yield_inside_cancel_scope;
mod group_handlers;
mod module_helper;
mod reraise;
mod task_refs;

use std::cell::{OnceCell, RefCell};
use std::collections::{BTreeMap, HashMap, HashSet};

use ruff_python_ast::visitor::{walk_expr, walk_stmt, Visitor};
use ruff_python_ast::{ExceptHandler, Expr, PythonVersion, Stmt, StmtFunctionDef};
use crate::source::Module;
use ruff_text_size::{Ranged, TextRange, TextSize};

use crate::analysis::calls::HandedFunctions;
use crate::analysis::holds;
use crate::analysis::flow::{ErrorClasses, ExitFinder};
use crate::analysis::names::{AsyncioNames, Library};
use crate::analysis::project::Project;
use crate::analysis::suspension::Primitives;
use crate::analysis::tasks::TaskFacts;
use crate::edits::{Editor, Placement, Suite};
pub use crate::finding::{Finding, Safety};
use crate::rules::Rule;
use crate::settings::Settings;

/// What the rules report on one module.
#[derive(Debug, Default)]
pub struct Matches {
    pub findings: Vec<Finding>,
    /// Where the statements the fixes insert belong (for the engine's structural check).
    pub placements: Vec<Placement>,
}

/// Runs every enabled rule over a parsed module.
pub fn check_module(parsed: &Module, source: &str, settings: &Settings, project: &Project) -> Matches {
    let names = AsyncioNames::of(parsed.syntax());
    if names.libraries().is_empty() && !names.uses_cancel_scope_library() {
        return Matches::default();
    }
    let mut checker = Checker::new(parsed, source, settings, project, names);
    checker.visit_body(&parsed.syntax().body);
    let mut findings = checker.findings;
    findings.sort_by_key(|finding| (finding.range.start(), finding.rule));
    Matches { findings, placements: checker.editor.take_placements() }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Scope {
    Module,
    Class,
    SyncFunction,
    AsyncFunction,
    Lambda,
}

/// What runs first after a statement completes, before its function returns.
pub enum Follows<'s> {
    Nothing,
    Statement(&'s Stmt),
    /// The next turn of this loop.
    NextTurn(&'s Stmt),
    TryElse,
    /// A place the analysis cannot see.
    Unknown,
}

/// What a transform may ask about the module and the place it is looking at.
pub struct Checker<'a> {
    pub settings: &'a Settings,
    /// The module's project: where its imported callees are read.
    pub project: &'a Project,
    pub parsed: &'a Module,
    pub names: AsyncioNames,
    pub editor: Editor<'a>,
    always_raising: HashSet<String>,
    /// The exception classes that cannot be a cancellation, the module's own and those it
    /// imports from its project (see [`ErrorClasses`]), found the first time a handler's exits
    /// are followed.
    error_classes: OnceCell<ErrorClasses<'a>>,
    /// Every identifier in the module, collected the first time a fix needs a fresh name.
    identifiers: OnceCell<HashSet<&'a str>>,
    /// Names handed out by [`Checker::fresh_name_within`], by name and enclosing function (a
    /// local of one function cannot clash with another's), with the scopes they were for.
    handed_out: RefCell<HashMap<(String, Option<TextSize>), HandedScopes>>,
    /// Which coroutines run as tasks, and who cancels and awaits them; built the first time a
    /// rule asks.
    tasks: OnceCell<TaskFacts<'a>>,
    /// The `self.` attributes holding asyncio primitives; built the first time a rule asks.
    primitive_attributes: OnceCell<Primitives>,
    /// The primitives the last function asked about can see (handlers of one function come in
    /// a row, and finding them walks its whole body).
    function_primitives: RefCell<Option<(Option<TextSize>, std::rc::Rc<Primitives>)>>,
    /// The names each function binds itself (parameters, assignments), by the function's start:
    /// asked once per fix, walked once per function.
    local_names: RefCell<HashMap<TextSize, std::rc::Rc<HashSet<&'a str>>>>,
    /// Whether the module's text calls any `.cancel(` at all: without one there is no stopper.
    mentions_cancel: OnceCell<bool>,
    /// The library each function's code deals in, found the first time a rule asks.
    function_libraries: RefCell<Vec<(TextRange, Option<Library>)>>,
    module_library: OnceCell<Library>,
    module_named: OnceCell<Vec<Library>>,
    /// The functions the module starts as tasks or makes context managers of.
    handed_functions: OnceCell<HandedFunctions<'a>>,
    /// The CS301 helpers an earlier run added; found the first time a rule asks.
    cleanup_helpers: OnceCell<cs301_unshielded_cleanup_await::ExistingHelpers>,
    scopes: Vec<Scope>,
    /// The statements enclosing the one being visited, outermost first.
    parents: Vec<&'a Stmt>,
    findings: Vec<Finding>,
}

/// The statements one fresh name was handed out for. A name is never handed out for a statement
/// nested with one it already has, and statements either nest or are disjoint, so these are
/// disjoint: kept by start, one look on each side answers [`HandedScopes::nests_with`].
#[derive(Default)]
struct HandedScopes(BTreeMap<TextSize, TextSize>);

impl HandedScopes {
    /// Whether a scope holds `scope` or lies inside it.
    fn nests_with(&self, scope: TextRange) -> bool {
        // Disjoint and sorted by start, the ranges are sorted by end too: the last one starting
        // at or before `scope` is the only one that can hold it, and the first one starting
        // inside it ends first.
        let holds = self.0.range(..=scope.start()).next_back().is_some_and(|(_, &end)| end >= scope.end());
        let inside = self.0.range(scope.start()..).next().is_some_and(|(_, &end)| end <= scope.end());
        holds || inside
    }

    fn insert(&mut self, scope: TextRange) {
        debug_assert!(!self.nests_with(scope), "a name is handed out once per nest of statements");
        self.0.insert(scope.start(), scope.end());
    }
}

impl<'a> Checker<'a> {
    fn new(parsed: &'a Module, source: &'a str, settings: &'a Settings, project: &'a Project, names: AsyncioNames) -> Self {
        let module = parsed.syntax();
        let always_raising = always_raising_functions(&module.body);
        Checker {
            settings,
            project,
            parsed,
            names,
            editor: Editor::new(source, parsed.tokens()).with_parenthesized_with(settings.target_version >= PythonVersion::PY39),
            always_raising,
            error_classes: OnceCell::new(),
            identifiers: OnceCell::new(),
            handed_out: RefCell::new(HashMap::new()),
            tasks: OnceCell::new(),
            primitive_attributes: OnceCell::new(),
            function_primitives: RefCell::new(None),
            local_names: RefCell::new(HashMap::new()),
            mentions_cancel: OnceCell::new(),
            function_libraries: RefCell::new(Vec::new()),
            module_library: OnceCell::new(),
            module_named: OnceCell::new(),
            handed_functions: OnceCell::new(),
            cleanup_helpers: OnceCell::new(),
            scopes: vec![Scope::Module],
            parents: Vec::new(),
            findings: Vec::new(),
        }
    }

    pub fn report(&mut self, finding: Finding) {
        self.findings.push(finding);
    }

    pub fn exit_finder(&self) -> ExitFinder<'_> {
        let error_classes = self.error_classes.get_or_init(|| ErrorClasses::of(&self.parsed.syntax().body, self.project));
        ExitFinder { always_raising: &self.always_raising, error_classes, names: &self.names }
    }

    pub fn primitive_attributes(&self) -> &Primitives {
        self.primitive_attributes.get_or_init(|| Primitives::attributes_of(&self.parsed.syntax().body, &self.names, self.source()))
    }

    /// The asyncio primitives the enclosing function can see ([`Primitives::within`]).
    pub fn primitives_in_function(&self) -> std::rc::Rc<Primitives> {
        let function = self.enclosing_function();
        let key = function.map(Ranged::start);
        if let Some((cached, primitives)) = self.function_primitives.borrow().as_ref() {
            if *cached == key {
                return primitives.clone();
            }
        }
        let primitives = std::rc::Rc::new(Primitives::within(function, self.primitive_attributes(), &self.names, self.source()));
        *self.function_primitives.borrow_mut() = Some((key, primitives.clone()));
        primitives
    }

    pub fn cleanup_helpers(&self) -> &cs301_unshielded_cleanup_await::ExistingHelpers {
        self.cleanup_helpers.get_or_init(|| cs301_unshielded_cleanup_await::ExistingHelpers::of(&self.parsed.syntax().body, &self.names, self.parsed.tokens(), self.source()))
    }

    /// The module calls `.cancel(` somewhere (a cheap test before building [`TaskFacts`]).
    pub fn mentions_cancel(&self) -> bool {
        *self.mentions_cancel.get_or_init(|| self.source().contains(".cancel("))
    }

    /// The library whose cancellation the code being visited deals in: the one its function's
    /// code names (`trio.sleep`, `anyio.create_task_group()`; anyio before trio before asyncio,
    /// since anyio code runs on either), else the module's (see [`Checker::module_library`]).
    pub fn library(&self) -> Library {
        self.library_named().unwrap_or_else(|| self.module_library())
    }

    /// In a module that imports several libraries, the library the enclosing function's code
    /// names; `None` when it names none (then [`Checker::library`] is the module's, a guess for
    /// this function) or the module imports one library only.
    pub fn library_named(&self) -> Option<Library> {
        if self.names.libraries().len() < 2 {
            return None;
        }
        let function = self.enclosing_function()?;
        if let Some((_, library)) = self.function_libraries.borrow().iter().find(|(range, _)| *range == function.range()) {
            return *library;
        }
        let mut named = LibrariesNamed { names: &self.names, found: Vec::new() };
        named.visit_body(&function.body);
        let library = [Library::Anyio, Library::Trio, Library::Asyncio].into_iter().find(|l| named.found.iter().any(|f| f == l));
        self.function_libraries.borrow_mut().push((function.range(), library));
        library
    }

    /// The module's library: the only one it imports, else the one its code names most often,
    /// anyio or trio on a tie (a module of anyio code that imports `asyncio.iscoroutinefunction`
    /// is anyio code).
    fn module_library(&self) -> Library {
        *self.module_library.get_or_init(|| match self.names.libraries().as_slice() {
            [] => Library::Asyncio,
            [only] => *only,
            several => {
                let named = self.libraries_named_in_module();
                let count = |library: &Library| named.iter().filter(|l| *l == library).count();
                several.iter().copied().max_by_key(|library| (count(library), library.is_structured())).unwrap_or(Library::Asyncio)
            }
        })
    }

    /// Each mention of a library's member in the module's code (inspection helpers such as
    /// `asyncio.iscoroutinefunction` aside), by library.
    pub fn libraries_named_in_module(&self) -> &[Library] {
        self.module_named.get_or_init(|| {
            let mut named = LibrariesNamed { names: &self.names, found: Vec::new() };
            named.visit_body(&self.parsed.syntax().body);
            named.found
        })
    }

    /// The library whose cancellation `handler` catches: the one its type names, else
    /// [`Checker::library`] (a bare `except:`, `except BaseException`).
    pub fn handler_library(&self, handler: &ruff_python_ast::ExceptHandlerExceptHandler) -> Library {
        self.names.caught_library(handler.type_.as_deref()).unwrap_or_else(|| self.library())
    }

    pub fn tasks(&self) -> &TaskFacts<'a> {
        self.tasks.get_or_init(|| TaskFacts::of(self.parsed.syntax(), self.source(), &self.names))
    }

    pub fn handed_functions(&self) -> &HandedFunctions<'a> {
        self.handed_functions.get_or_init(|| HandedFunctions::of(&self.parsed.syntax().body))
    }

    pub fn target_at_least(&self, version: PythonVersion) -> bool {
        self.settings.target_version >= version
    }

    pub fn source(&self) -> &'a str {
        self.editor.source()
    }

    /// A name not used anywhere in the module: `base`, else `base_1`, `base_2` …
    pub fn fresh_name(&self, base: &str) -> String {
        let identifiers = self.identifiers.get_or_init(|| {
            let mut identifiers = HashSet::new();
            IdentifierCollector { source: self.source(), identifiers: &mut identifiers }.visit_body(&self.parsed.syntax().body);
            identifiers
        });
        if !identifiers.contains(base) {
            return base.to_string();
        }
        (1..).map(|n| format!("{base}_{n}")).find(|name| !identifiers.contains(name.as_str())).unwrap_or_default()
    }

    /// A fresh name (see [`Checker::fresh_name`]) that also differs from the names handed out
    /// for statements around or inside `scope`, so nested snapshots do not share a variable.
    pub fn fresh_name_within(&self, base: &str, scope: TextRange) -> String {
        let mut handed_out = self.handed_out.borrow_mut();
        let function = self.enclosing_function().map(|f| f.start());
        let taken = |name: &str| handed_out.get(&(name.to_string(), function)).is_some_and(|scopes| scopes.nests_with(scope));
        let first = self.fresh_name(base);
        let name = if !taken(&first) {
            first
        } else {
            (1..).map(|n| format!("{base}_{n}")).find(|name| self.fresh_name(name) == *name && !taken(name)).unwrap_or_default()
        };
        handed_out.entry((name.clone(), function)).or_default().insert(scope);
        name
    }

    /// The function around the statement being visited.
    pub fn enclosing_function(&self) -> Option<&'a StmtFunctionDef> {
        self.parents.iter().rev().find_map(|s| match s {
            Stmt::FunctionDef(f) => Some(f),
            _ => None,
        })
    }

    /// Whether a function around the statement being visited binds `name` itself (a parameter,
    /// an assignment): inserted code that spells a module by that name would get the local.
    pub fn binds_locally(&self, name: &str) -> bool {
        self.parents.iter().any(|parent| match parent {
            Stmt::FunctionDef(function) => {
                let names = self.local_names.borrow_mut().entry(function.start()).or_insert_with(|| std::rc::Rc::new(crate::analysis::names::bound_names(function))).clone();
                names.contains(name)
            }
            _ => false,
        })
    }

    /// The statements enclosing the one being visited, outermost first, the module's top included.
    pub fn parents(&self) -> &[&'a Stmt] {
        &self.parents
    }

    /// The enclosing statements of the statement being visited, innermost first, up to and
    /// including the enclosing function.
    pub fn ancestors(&self) -> impl Iterator<Item = &'a Stmt> + '_ {
        let function = self.parents.iter().rposition(|s| matches!(s, Stmt::FunctionDef(_))).unwrap_or(0);
        self.parents[function..].iter().rev().copied()
    }

    /// The suite holding `stmt`, a child of the innermost ancestor.
    pub fn suite_of(&self, stmt: &Stmt) -> Suite<'a> {
        let parent = self.parents.last().copied();
        parent
            .and_then(|parent| suite_containing(parent, stmt).map(|(suite, _)| suite))
            .unwrap_or_else(|| Suite::new(TextSize::default(), &self.parsed.syntax().body))
    }

    /// What code would run after `stmt` completes — later statements, a loop's next turn, a
    /// `try`'s `else` — before its function returns, in words for a reason (`None`: nothing).
    /// `ancestors` are `stmt`'s, innermost first.
    pub fn code_after(&self, stmt: &Stmt, ancestors: &[&Stmt]) -> Option<String> {
        match self.what_follows(stmt, ancestors) {
            Follows::Nothing => None,
            Follows::Unknown => Some("the code that follows it".to_string()),
            Follows::Statement(next) => Some(self.describe_statement(next)),
            Follows::NextTurn(_) => Some("the loop's next iteration".to_string()),
            Follows::TryElse => Some("the `else:` block of the enclosing `try`".to_string()),
        }
    }

    /// What runs first after `stmt` completes (see [`Checker::code_after`]).
    pub fn what_follows<'s>(&self, stmt: &Stmt, ancestors: &[&'s Stmt]) -> Follows<'s> {
        let mut child_range = stmt.range();
        for parent in ancestors {
            let Some((suite, role)) = suite_containing(parent, &child_range) else { return Follows::Unknown };
            if let Some(next) = following(suite, child_range) {
                return Follows::Statement(next);
            }
            if matches!(parent, Stmt::FunctionDef(_)) {
                return Follows::Nothing;
            }
            match role {
                SuiteRole::LoopBody => return Follows::NextTurn(parent),
                SuiteRole::TryBodyWithElse => return Follows::TryElse,
                SuiteRole::Other => {}
            }
            child_range = parent.range();
        }
        Follows::Nothing
    }

    /// The class whose body defines the function being visited (a method's class).
    pub fn enclosing_class(&self) -> Option<&'a ruff_python_ast::StmtClassDef> {
        let function = self.parents.iter().rposition(|s| matches!(s, Stmt::FunctionDef(_)))?;
        match self.parents[..function].last() {
            Some(Stmt::ClassDef(class)) => Some(class),
            _ => None,
        }
    }

    /// A statement named for a reason: `` `self._exited.set()` (line 12) ``; a compound one by
    /// its header (`` `if job:` (line 40) ``).
    pub fn describe_statement(&self, stmt: &Stmt) -> String {
        let line = crate::source::position_of(self.source(), stmt.start()).line;
        let compound = matches!(
            stmt,
            Stmt::If(_) | Stmt::For(_) | Stmt::While(_) | Stmt::With(_) | Stmt::Try(_) | Stmt::Match(_) | Stmt::FunctionDef(_) | Stmt::ClassDef(_)
        );
        let text = if compound {
            self.editor.text(stmt).lines().next().unwrap_or_default().trim().to_string()
        } else {
            self.editor.short(stmt)
        };
        format!("`{text}` (line {line})")
    }

    /// Would any code run after `stmt` completes before its function returns?
    pub fn code_runs_after(&self, stmt: &Stmt, ancestors: &[&Stmt]) -> bool {
        self.code_after(stmt, ancestors).is_some()
    }

    /// The statements after `stmt` in its own suite (a trailing `pass` left out); `ancestors`
    /// are `stmt`'s, innermost first.
    pub fn statements_after(&self, stmt: &Stmt, ancestors: &[&'a Stmt]) -> &'a [Stmt] {
        let Some((suite, _)) = ancestors.first().and_then(|parent| suite_containing(parent, &stmt.range())) else { return &[] };
        let Some(index) = suite.stmts.iter().position(|s| s.start() >= stmt.end()) else { return &[] };
        let rest = &suite.stmts[index..];
        match rest.split_last() {
            Some((last, body)) if last.is_pass_stmt() => body,
            _ => rest,
        }
    }

    /// The verdict on a fix here: the rule's own, made unsafe in test code. Tests often assert
    /// the swallowing on purpose, so a fix there is never applied unasked.
    pub fn safety(&self, verdict: Safety) -> Safety {
        self.safety_at(verdict, &self.parents)
    }

    /// [`Checker::safety`] for code whose enclosing statements are `parents` (outermost first).
    pub fn safety_at(&self, verdict: Safety, parents: &[&Stmt]) -> Safety {
        match self.test_code(parents) {
            Some(why) => verdict.and(Safety::Unsafe(format!("{why}, and tests often rely on exactly what a fix changes (a cancellation swallowed or raised on purpose)"))),
            None => verdict,
        }
    }

    /// Why code inside `parents` is test code: the file is (by its path), or it is inside a
    /// function named `test…` (at any depth: CPython nests `async def main()` in
    /// `def test_…(self)`), a pytest fixture, or a test class.
    fn test_code(&self, parents: &[&Stmt]) -> Option<String> {
        if self.settings.test_code {
            return Some("this file is test code (by its path)".to_string());
        }
        parents.iter().find_map(|s| match s {
            Stmt::FunctionDef(f) if f.name.as_str().starts_with("test") => Some(format!("`{}` is a test", f.name)),
            Stmt::FunctionDef(f) if f.decorator_list.iter().any(|d| is_fixture(&d.expression)) => {
                Some(format!("`{}` is a pytest fixture", f.name))
            }
            Stmt::ClassDef(c) if is_test_class(c) => Some(format!("`{}` is a test class", c.name)),
            _ => None,
        })
    }

    /// Inside a function body (not at module or class level, not in a lambda).
    fn in_function(&self) -> bool {
        matches!(self.scopes.last(), Some(Scope::SyncFunction | Scope::AsyncFunction))
    }

    fn in_async_function(&self) -> bool {
        self.scopes.last() == Some(&Scope::AsyncFunction)
    }

    /// Where asyncio is not imported, the rules that know anyio and trio run in their modules,
    /// and CS401 also where only async_timeout's scopes are; CS105 and CS202 are about asyncio's
    /// `run()` and tasks.
    fn enabled(&self, rule: Rule) -> bool {
        let asyncio_only = matches!(rule, Rule::AsyncKeyboardInterruptHandler | Rule::CancelledTaskNeverAwaited);
        let runs_here = self.names.uses_asyncio()
            || rule == Rule::YieldInsideCancelScope
            || (!asyncio_only && (self.names.uses(Library::Anyio) || self.names.uses(Library::Trio)));
        self.settings.enabled(rule) && runs_here
    }
}

/// `@pytest.fixture`, `@pytest_asyncio.fixture(scope=…)`, `@fixture`.
fn is_fixture(decorator: &Expr) -> bool {
    match decorator {
        Expr::Call(call) => is_fixture(&call.func),
        Expr::Attribute(attribute) => attribute.attr.as_str() == "fixture",
        Expr::Name(name) => name.id.as_str() == "fixture",
        _ => false,
    }
}

/// A class of tests: a `unittest` case (`TestCase`, `IsolatedAsyncioTestCase` …), or a class
/// named `Test…` that holds `test…` methods, as pytest collects them. Library classes are
/// called `TestClient` or `TestRunner` too.
fn is_test_class(class: &ruff_python_ast::StmtClassDef) -> bool {
    let test_case = |base: &Expr| match base {
        Expr::Attribute(attribute) => attribute.attr.as_str().ends_with("TestCase"),
        Expr::Name(name) => name.id.as_str().ends_with("TestCase"),
        _ => false,
    };
    let has_tests = class.body.iter().any(|s| matches!(s, Stmt::FunctionDef(f) if f.name.as_str().starts_with("test")));
    class.bases().iter().any(test_case) || class.name.as_str().starts_with("Test") && has_tests
}

/// The first statement after `child` in `suite` that would run (a trailing `pass` does nothing).
fn following<'a>(suite: Suite<'a>, child: TextRange) -> Option<&'a Stmt> {
    // A suite's statements are in source order: search, not scan (one function may hold
    // thousands of them, each asked about).
    let after = suite.stmts.partition_point(|s| s.start() < child.end());
    suite.stmts[after..].iter().find(|s| !s.is_pass_stmt())
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum SuiteRole {
    LoopBody,
    TryBodyWithElse,
    Other,
}

/// Which suite of the compound statement `parent` holds `child`.
fn suite_containing<'a>(parent: &'a Stmt, child: &impl Ranged) -> Option<(Suite<'a>, SuiteRole)> {
    let inside = |stmts: &[Stmt]| holds(stmts, child.range());
    let header = parent.start();
    let candidates: Vec<(Suite<'a>, SuiteRole)> = match parent {
        Stmt::FunctionDef(f) => vec![(Suite::new(header, &f.body), SuiteRole::Other)],
        Stmt::ClassDef(c) => vec![(Suite::new(header, &c.body), SuiteRole::Other)],
        Stmt::If(s) => std::iter::once((Suite::new(header, &s.body), SuiteRole::Other))
            .chain(s.elif_else_clauses.iter().map(|c| (Suite::new(c.start(), &c.body), SuiteRole::Other)))
            .collect(),
        Stmt::For(s) => vec![(Suite::new(header, &s.body), SuiteRole::LoopBody), (Suite::new(header, &s.orelse), SuiteRole::Other)],
        Stmt::While(s) => vec![(Suite::new(header, &s.body), SuiteRole::LoopBody), (Suite::new(header, &s.orelse), SuiteRole::Other)],
        Stmt::With(s) => vec![(Suite::new(header, &s.body), SuiteRole::Other)],
        Stmt::Try(s) => {
            let body_role = if s.orelse.is_empty() { SuiteRole::Other } else { SuiteRole::TryBodyWithElse };
            std::iter::once((Suite::new(header, &s.body), body_role))
                .chain(s.handlers.iter().map(|ExceptHandler::ExceptHandler(h)| (Suite::new(h.start(), &h.body), SuiteRole::Other)))
                .chain([(Suite::new(header, &s.orelse), SuiteRole::Other), (Suite::new(header, &s.finalbody), SuiteRole::Other)])
                .collect()
        }
        Stmt::Match(s) => s.cases.iter().map(|c| (Suite::new(c.start(), &c.body), SuiteRole::Other)).collect(),
        _ => Vec::new(),
    };
    candidates.into_iter().find(|(suite, _)| inside(suite.stmts))
}

impl<'a> Visitor<'a> for Checker<'a> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        // One line per rule: which statements it looks at, and where.
        let in_async = self.in_async_function();
        let simple = matches!(stmt, Stmt::Expr(_) | Stmt::Assign(_) | Stmt::AnnAssign(_));
        match stmt {
            Stmt::Try(try_stmt) if in_async => {
                if self.enabled(Rule::SwallowedCancellation) {
                    cs101_swallowed_cancellation::try_statement(self, stmt, try_stmt);
                }
                if self.enabled(Rule::BroadExceptSwallowsCancellation) {
                    cs102_broad_except_swallows_cancellation::try_statement(self, stmt, try_stmt);
                }
                if self.enabled(Rule::ForeignCancelSwallowsOwnCancel) {
                    cs103_foreign_cancel_swallows_own_cancel::try_statement(self, stmt, try_stmt);
                }
                if self.enabled(Rule::AsyncKeyboardInterruptHandler) {
                    cs105_async_keyboard_interrupt_handler::try_statement(self, try_stmt);
                }
                if self.enabled(Rule::UnshieldedCleanupAwait) {
                    cs301_unshielded_cleanup_await::try_statement(self, stmt, try_stmt);
                }
            }
            Stmt::With(with) if in_async => {
                if self.enabled(Rule::SwallowedCancellation) {
                    cs101_swallowed_cancellation::suppress_block(self, stmt, with);
                }
                if self.enabled(Rule::ForeignCancelSwallowsOwnCancel) {
                    cs103_foreign_cancel_swallows_own_cancel::suppress_block(self, stmt, with);
                }
                if self.enabled(Rule::YieldInsideCancelScope) {
                    cs401_yield_inside_cancel_scope::with_statement(self, stmt, with);
                }
            }
            _ => {}
        }
        // Tasks and their handles are asyncio's: CS104 and CS201 look only where it is imported.
        let asyncio = simple && self.names.uses_asyncio();
        if asyncio && in_async && self.enabled(Rule::CancelledTaskAwaitedBare) {
            cs104_cancelled_task_awaited_bare::statement(self, stmt);
        }
        if asyncio && self.enabled(Rule::FireAndForgetTask) {
            cs201_fire_and_forget_task::statement(self, stmt);
        }
        if matches!(stmt, Stmt::Expr(_) | Stmt::For(_)) && self.in_function() && self.enabled(Rule::CancelledTaskNeverAwaited) {
            cs202_cancelled_task_never_awaited::statement(self, stmt);
        }
        let scope = match stmt {
            Stmt::FunctionDef(f) if f.is_async => Some(Scope::AsyncFunction),
            Stmt::FunctionDef(_) => Some(Scope::SyncFunction),
            Stmt::ClassDef(_) => Some(Scope::Class),
            _ => None,
        };
        if let Some(scope) = scope {
            self.scopes.push(scope);
        }
        self.parents.push(stmt);
        if let Stmt::FunctionDef(function) = stmt {
            if self.enabled(Rule::UnshieldedCleanupAwait) {
                cs301_unshielded_cleanup_await::function(self, function);
            }
        }
        walk_stmt(self, stmt);
        self.parents.pop();
        if scope.is_some() {
            self.scopes.pop();
        }
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        if let Expr::Call(call) = expr {
            if self.enabled(Rule::FireAndForgetTask) && self.names.uses_asyncio() {
                cs201_fire_and_forget_task::callback_registration(self, call);
            }
        }
        if let Expr::Lambda(_) = expr {
            self.scopes.push(Scope::Lambda);
            walk_expr(self, expr);
            self.scopes.pop();
        } else {
            walk_expr(self, expr);
        }
    }
}

/// Module-level functions and methods whose body can only end by raising
/// (`def _reraise(e): raise e`): calling one ends a handler's path.
fn always_raising_functions(body: &[Stmt]) -> HashSet<String> {
    struct Definitions<'a> {
        by_name: HashMap<&'a str, Vec<&'a ruff_python_ast::StmtFunctionDef>>,
    }
    impl<'a> ruff_python_ast::statement_visitor::StatementVisitor<'a> for Definitions<'a> {
        fn visit_stmt(&mut self, stmt: &'a Stmt) {
            if let Stmt::FunctionDef(function) = stmt {
                self.by_name.entry(function.name.as_str()).or_default().push(function);
            }
            ruff_python_ast::statement_visitor::walk_stmt(self, stmt);
        }
    }
    let none = HashSet::new();
    let no_names = AsyncioNames::default();
    let no_classes = ErrorClasses::none();
    let finder = ExitFinder { always_raising: &none, error_classes: &no_classes, names: &no_names };
    // Every function and method, nested ones too (`async def fail(ex): …; raise ex` inside the
    // function that calls it), by name: a name counts when each of its definitions raises.
    let mut definitions = Definitions { by_name: HashMap::new() };
    ruff_python_ast::statement_visitor::StatementVisitor::visit_body(&mut definitions, body);
    definitions
        .by_name
        .into_iter()
        .filter(|(_, defs)| defs.iter().all(|function| finder.always_raises(&function.body, function.start())))
        .map(|(name, _)| name.to_string())
        .collect()
}

/// Each member of a library that the code names (`trio.sleep`, an imported `create_task_group`).
struct LibrariesNamed<'n> {
    names: &'n AsyncioNames,
    found: Vec<Library>,
}

impl<'a> Visitor<'a> for LibrariesNamed<'_> {
    fn visit_expr(&mut self, expr: &'a Expr) {
        if let Some((library, member)) = self.names.member(expr) {
            // Inspection helpers say nothing about whose cancellation the code deals in.
            if !matches!(member, "iscoroutinefunction" | "iscoroutine") {
                self.found.push(library);
            }
            return;
        }
        walk_expr(self, expr);
    }
}

struct IdentifierCollector<'a, 's> {
    source: &'a str,
    identifiers: &'s mut HashSet<&'a str>,
}

impl<'a> Visitor<'a> for IdentifierCollector<'a, '_> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        match stmt {
            Stmt::FunctionDef(f) => {
                self.identifiers.insert(&self.source[f.name.range()]);
                for parameter in f.parameters.iter() {
                    self.identifiers.insert(&self.source[parameter.name().range()]);
                }
            }
            Stmt::ClassDef(c) => {
                self.identifiers.insert(&self.source[c.name.range()]);
            }
            Stmt::Try(t) => {
                for ExceptHandler::ExceptHandler(h) in &t.handlers {
                    if let Some(name) = &h.name {
                        self.identifiers.insert(&self.source[name.range()]);
                    }
                }
            }
            // A fresh name must not be one a `global` or `nonlocal` declares later (CPython
            // refuses a binding before the declaration), nor one an import binds.
            Stmt::Global(ruff_python_ast::StmtGlobal { names, .. }) | Stmt::Nonlocal(ruff_python_ast::StmtNonlocal { names, .. }) => {
                for name in names {
                    self.identifiers.insert(&self.source[name.range()]);
                }
            }
            Stmt::Import(import) => {
                for alias in &import.names {
                    let bound = alias.asname.as_ref().unwrap_or(&alias.name);
                    self.identifiers.insert(self.source[bound.range()].split('.').next().unwrap_or_default());
                }
            }
            Stmt::ImportFrom(import) => {
                for alias in &import.names {
                    self.identifiers.insert(&self.source[alias.asname.as_ref().unwrap_or(&alias.name).range()]);
                }
            }
            _ => {}
        }
        walk_stmt(self, stmt);
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        if let Expr::Name(name) = expr {
            self.identifiers.insert(&self.source[name.range()]);
        }
        walk_expr(self, expr);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range(start: u32, end: u32) -> TextRange {
        TextRange::new(TextSize::new(start), TextSize::new(end))
    }

    #[test]
    fn handed_scopes_answer_as_the_scan_over_every_scope_did() {
        let mut scopes = HandedScopes::default();
        scopes.insert(range(10, 20));
        scopes.insert(range(30, 40));
        scopes.insert(range(50, 90));
        // Around one, inside one, equal to one: nested.
        for nested in [range(0, 25), range(32, 38), range(30, 40), range(50, 60), range(60, 90), range(5, 100)] {
            assert!(scopes.nests_with(nested), "{nested:?}");
        }
        // Before, between and after them: free.
        for free in [range(0, 5), range(21, 29), range(41, 49), range(95, 99)] {
            assert!(!scopes.nests_with(free), "{free:?}");
        }
        // The same answers as the old scan over every handed-out scope.
        let all = [range(10, 20), range(30, 40), range(50, 90)];
        for start in 0..100 {
            for end in start..100 {
                let scope = range(start, end);
                let scanned = all.iter().any(|r| r.contains_range(scope) || scope.contains_range(*r));
                let laminar = all.iter().all(|r| r.contains_range(scope) || scope.contains_range(*r) || r.end() <= scope.start() || scope.end() <= r.start());
                if laminar {
                    assert_eq!(scopes.nests_with(scope), scanned, "{scope:?}");
                }
            }
        }
    }
}
