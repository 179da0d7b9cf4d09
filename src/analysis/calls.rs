//! The calls of a body, for the questions several rules ask of a module or a block: which
//! functions are started as tasks, which are wrapped as context managers, what a handler hands
//! its exception to.

use std::collections::HashSet;

use ruff_python_ast::visitor::{walk_expr, walk_stmt, Visitor};
use ruff_python_ast::{Expr, ExprCall, Stmt, StmtFunctionDef};

/// How far [`calls`] looks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reach {
    /// Into nested functions, classes and lambdas too (a whole module's calls).
    Nested,
    /// Only the code that runs as the body runs: not the bodies of nested functions, classes
    /// or lambdas.
    OwnCode,
}

/// The methods of a logger (`logging`, loguru, structlog): a call of one only looks at its
/// arguments.
pub const LOG_METHODS: &[&str] = &["debug", "info", "warning", "warn", "error", "exception", "critical", "log", "fatal", "trace"];

/// Every call in `body`, outer calls before the calls in their arguments.
pub fn calls(body: &[Stmt], reach: Reach) -> Vec<&ExprCall> {
    let mut walk = Calls { reach, found: Vec::new() };
    walk.visit_body(body);
    walk.found
}

/// Every call in `expr`, nested functions' and lambdas' included.
pub fn calls_in(expr: &Expr) -> Vec<&ExprCall> {
    let mut walk = Calls { reach: Reach::Nested, found: Vec::new() };
    walk.visit_expr(expr);
    walk.found
}

struct Calls<'a> {
    reach: Reach,
    found: Vec<&'a ExprCall>,
}

impl<'a> Visitor<'a> for Calls<'a> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        if self.reach == Reach::OwnCode && matches!(stmt, Stmt::FunctionDef(_) | Stmt::ClassDef(_)) {
            return;
        }
        walk_stmt(self, stmt);
    }
    fn visit_expr(&mut self, expr: &'a Expr) {
        match expr {
            Expr::Lambda(_) if self.reach == Reach::OwnCode => return,
            Expr::Call(call) => self.found.push(call),
            _ => {}
        }
        walk_expr(self, expr);
    }
}

/// The name a callee ends in: `f` of `f(…)`, `start_soon` of `nursery.start_soon(…)`.
pub fn callee_name(func: &Expr) -> Option<&str> {
    match func {
        Expr::Name(name) => Some(name.id.as_str()),
        Expr::Attribute(attribute) => Some(attribute.attr.as_str()),
        _ => None,
    }
}

/// The functions a module hands by name to something that runs them, found in one walk: started
/// as tasks (`nursery.start_soon(f)`, `tg.start(self.f)`), or driven as context managers
/// (`lifespan = asynccontextmanager(_lifespan)`, FastAPI's `Depends(get_session)`).
#[derive(Debug, Default)]
pub struct HandedFunctions<'a> {
    started: HashSet<&'a str>,
    context_managers: HashSet<&'a str>,
}

impl<'a> HandedFunctions<'a> {
    pub fn of(module: &'a [Stmt]) -> Self {
        let mut handed = HandedFunctions::default();
        for call in calls(module, Reach::Nested) {
            let callee = callee_name(&call.func).unwrap_or_default();
            if is_start(&call.func) {
                if let Some(name) = call.arguments.args.first().and_then(callee_name) {
                    handed.started.insert(name);
                }
            }
            if callee.ends_with("contextmanager") || matches!(callee, "Depends" | "Security") {
                handed.context_managers.extend(call.arguments.args.iter().filter_map(|arg| arg.as_name_expr().map(|n| n.id.as_str())));
            }
        }
        handed
    }

    /// Whether `function` runs as a task started in a nursery or task group: decorated
    /// `@nursery.start_soon`, or handed to a `.start_soon(…)` / `.start(…)` call by name (`f`,
    /// `self.f`), or to trio's `lowlevel.spawn_system_task(…)`.
    pub fn started(&self, function: &StmtFunctionDef) -> bool {
        function.decorator_list.iter().any(|d| is_start(&d.expression)) || self.started.contains(function.name.as_str())
    }

    /// Whether the function named `function` is handed to something that drives it as a context
    /// manager.
    pub fn made_a_context_manager(&self, function: &str) -> bool {
        self.context_managers.contains(function)
    }
}

fn is_start(func: &Expr) -> bool {
    matches!(func, Expr::Attribute(a) if matches!(a.attr.as_str(), "start_soon" | "start" | "spawn_system_task"))
}
