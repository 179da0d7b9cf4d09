//! The one mechanism behind every handler fix: make each leaking exit of a handler re-raise,
//! after the handler's own code, and judge whether that is safe.

use ruff_diagnostics::Edit;
use ruff_python_ast::{Expr, Stmt};
use ruff_text_size::Ranged;

use super::{Checker, Safety};
use crate::analysis::flow::{ExitKind, HandlerExit};
use crate::edits::Snippet;

/// How an exit re-raises.
pub enum ReRaise {
    /// An unconditional re-raise (`raise`): the handler catches nothing but cancellation.
    Always(String),
    /// `if <condition>: raise`: only when the caught exception is this task's cancellation.
    When(String),
}

impl ReRaise {
    fn snippet(&self) -> Snippet {
        match self {
            ReRaise::Always(statement) => Snippet::line(statement.clone()),
            ReRaise::When(condition) => Snippet::line(format!("if {condition}:")).then(1, "raise"),
        }
    }

    /// The plain re-raise. Inside `except*` a bare `raise` would re-raise an exception *group*
    /// and the task would end failed, not cancelled: raise the caught `CancelledError` itself.
    pub fn always(group_name: Option<&str>) -> Self {
        match group_name {
            Some(name) => ReRaise::Always(format!("raise {name}.exceptions[0]")),
            None => ReRaise::Always("raise".to_string()),
        }
    }
}

/// The edits that make every exit in `exits` re-raise.
pub fn reraise_at_exits(checker: &Checker, exits: &[HandlerExit], how: &ReRaise) -> Vec<Edit> {
    let editor = &checker.editor;
    let raise = how.snippet();
    let mut edits = Vec::new();
    for exit in exits {
        match (exit.stmt, how) {
            (None, _) => match exit.suite.stmts.last() {
                // A trailing `pass` only stood in for an empty body.
                Some(last) if last.is_pass_stmt() => edits.extend(editor.replace(exit.suite, last, &raise)),
                _ => edits.extend(editor.append(exit.suite, &raise)),
            },
            (Some(stmt), ReRaise::Always(_)) => {
                // The exit is replaced; a returned value with side effects is still evaluated.
                let snippet = match stmt {
                    Stmt::Return(ret) => match ret.value.as_deref() {
                        Some(value) if !is_inert(value) => Snippet::line(editor.text(value)).nest(0, raise.clone()),
                        _ => raise.clone(),
                    },
                    _ => raise.clone(),
                };
                edits.extend(editor.replace(exit.suite, stmt, &snippet));
            }
            (Some(stmt), ReRaise::When(_)) => edits.extend(editor.insert_before(exit.suite, stmt, &raise)),
        }
    }
    edits
}

/// A fix is safe when it changes only the cancellation path and skips nothing that would have
/// run after the handler; otherwise unsafe, with the reason of each exit that makes it so (see
/// docs/fix-forms.md).
pub fn safety(checker: &Checker, exits: &[HandlerExit], try_stmt: &Stmt) -> Safety {
    let ancestors: Vec<&Stmt> = checker.ancestors().collect();
    let editor = &checker.editor;
    let verdict = exits.iter().fold(Safety::Safe, |verdict, exit| {
        let reason = match exit.kind {
            ExitKind::Return => None,
            ExitKind::ReturnValue => exit.stmt.map(|stmt| {
                format!("`{}` on the cancel path may be a result someone uses; the fix raises instead", editor.one_line(stmt))
            }),
            ExitKind::Continue => Some("`continue` keeps a loop going (a retry?); the fix ends it on cancel".to_string()),
            ExitKind::RaiseOther => exit.stmt.map(|stmt| {
                format!("`{}` may convert the cancellation on purpose; the fix re-raises the cancellation instead", editor.one_line(stmt))
            }),
            ExitKind::FallsOff => checker
                .code_after(try_stmt, &ancestors)
                .map(|after| format!("on cancel the handler used to carry on to {after}, which the re-raise now skips")),
            ExitKind::Break => match ancestors.iter().position(|s| matches!(s, Stmt::For(_) | Stmt::While(_))) {
                Some(index) => checker
                    .code_after(ancestors[index], &ancestors[index + 1..])
                    .map(|after| format!("`break` used to carry on to {after}, which the re-raise now skips")),
                None => Some("`break` leaves a loop the analysis cannot see".to_string()),
            },
        };
        match reason {
            Some(reason) => verdict.and(Safety::Unsafe(reason)),
            None => verdict,
        }
    });
    checker.safety(verdict)
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

/// What the leak does to the task, for the message.
pub fn consequence(exits: &[HandlerExit]) -> &'static str {
    if exits.iter().all(|exit| exit.kind == ExitKind::RaiseOther) {
        "the task ends with a different exception instead of ending cancelled"
    } else {
        "the cancelled task carries on instead of ending cancelled"
    }
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
pub fn handler_header_range(handler: &ruff_python_ast::ExceptHandlerExceptHandler) -> ruff_text_size::TextRange {
    let end = handler.type_.as_ref().map_or(handler.start() + ruff_text_size::TextSize::new(6), |t| t.end());
    ruff_text_size::TextRange::new(handler.start(), end)
}

/// The name the handler's exception is bound to, binding a fresh one (`as exc`) if needed:
/// a bare `except:` becomes `except BaseException as exc:`.
pub fn bind_exception(checker: &Checker, handler: &ruff_python_ast::ExceptHandlerExceptHandler) -> (String, Vec<Edit>) {
    if let Some(name) = &handler.name {
        return (name.id.to_string(), Vec::new());
    }
    let name = checker.fresh_name("exc");
    let edits = match handler.type_.as_deref() {
        None => vec![Edit::insertion(format!(" BaseException as {name}"), handler.start() + ruff_text_size::TextSize::new(6))],
        // `except A, B:` (3.14) cannot take `as` without parentheses.
        Some(Expr::Tuple(tuple)) if !tuple.parenthesized => vec![
            Edit::insertion("(".to_string(), tuple.start()),
            Edit::insertion(format!(") as {name}"), tuple.end()),
        ],
        Some(type_) => vec![Edit::insertion(format!(" as {name}"), type_.end())],
    };
    (name, edits)
}

/// The spelling of `asyncio.CancelledError` for inserted code, with the import it may need.
pub fn cancelled_error(checker: &Checker) -> (String, Option<Edit>) {
    let (spelling, needs_import) = checker.names.cancelled_error_spelling();
    (spelling, needs_import.then(|| checker.editor.add_import(checker.parsed, "asyncio")))
}

/// The spelling of the `asyncio` module for inserted code, with the import it may need.
pub fn asyncio_module(checker: &Checker) -> (String, Option<Edit>) {
    let (spelling, needs_import) = checker.names.asyncio_spelling();
    (spelling, needs_import.then(|| checker.editor.add_import(checker.parsed, "asyncio")))
}

/// The handler stores the exception (`err = e`, `errors.append(e)`) and the function raises
/// it later: the cancellation is deferred, not swallowed.
pub fn kept_for_later(checker: &Checker, handler: &ruff_python_ast::ExceptHandlerExceptHandler) -> bool {
    use ruff_python_ast::statement_visitor::{walk_stmt, StatementVisitor};
    let places = crate::analysis::flow::storage_of_exception(handler, checker.source());
    if places.is_empty() {
        return false;
    }
    let Some(Stmt::FunctionDef(function)) = checker.ancestors().last() else { return false };
    struct LaterRaise<'p, 's> {
        after: ruff_text_size::TextSize,
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
