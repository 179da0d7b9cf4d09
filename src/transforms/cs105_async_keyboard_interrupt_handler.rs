//! CS105 async-keyboard-interrupt-handler: `except KeyboardInterrupt` inside an `async def`.
//! Under `asyncio.run()` a Ctrl-C reaches the main task as a `CancelledError` (the other tasks
//! are cancelled after it), so the handler never runs on a real Ctrl-C and its cleanup is
//! skipped. The fix catches the cancellation too, runs the same handler body, and re-raises it.
//! The rule's page is `transforms/CS105-async-keyboard-interrupt-handler/README.md`.

use ruff_diagnostics::Edit;
use ruff_python_ast::statement_visitor::{walk_stmt, StatementVisitor};
use ruff_python_ast::{ExceptHandler, ExceptHandlerExceptHandler, Expr, Stmt, StmtTry};
use ruff_text_size::{Ranged, TextRange};

use super::{reraise, Checker, Finding, Safety};
use crate::analysis::flow::{ExitKind, HandlerExit};
use crate::analysis::names::Catches;
use crate::analysis::suspension::SuspensionPoints;
use crate::edits::{with_safety, Snippet, Suite};
use crate::rules::Rule;

pub fn try_statement(checker: &mut Checker, try_stmt: &StmtTry) {
    // A cancel arrives only at a suspension point; `except*` binds exception groups.
    let points = SuspensionPoints::of(&try_stmt.body);
    if !points.any() || try_stmt.is_star {
        return;
    }
    // A handler of the same `try` that takes the cancellation already runs on a Ctrl-C.
    let takes_cancellation = try_stmt
        .handlers
        .iter()
        .any(|ExceptHandler::ExceptHandler(h)| checker.names.catches(h.type_.as_deref()) != Catches::Nothing);
    if takes_cancellation {
        return;
    }
    for ExceptHandler::ExceptHandler(handler) in &try_stmt.handlers {
        let Some(type_) = handler.type_.as_deref() else { continue };
        if keyboard_interrupt(type_).is_none() {
            continue;
        }
        if !has_code_to_run(&handler.body) {
            continue;
        }
        let (fix, reason) = match catch_and_reraise(checker, handler, type_) {
            Ok(edits) => {
                let verdict = match points.awaits_existing_task(&checker.names) {
                    true => Safety::unsafe_because(
                        "the `try` awaits an existing task or future, whose own `CancelledError` would now run this Ctrl-C handler too",
                    ),
                    false => Safety::Safe,
                };
                with_safety(edits, checker.safety(verdict))
            }
            Err(why) => (None, Some(why)),
        };
        checker.report(Finding {
            rule: Rule::AsyncKeyboardInterruptHandler,
            message: format!(
                "`except {}` in an `async def` never runs on Ctrl-C: under `asyncio.run()` the interrupt arrives as `CancelledError`, so this cleanup is skipped",
                checker.editor.one_line(type_)
            ),
            range: reraise::handler_header_range(handler),
            fix,
            reason,
        });
    }
}

/// The `KeyboardInterrupt` in an `except` type (alone or in a tuple).
fn keyboard_interrupt(type_: &Expr) -> Option<&Expr> {
    let is_interrupt = |expr: &Expr| match expr {
        Expr::Name(name) => name.id.as_str() == "KeyboardInterrupt",
        Expr::Attribute(attribute) => {
            attribute.attr.as_str() == "KeyboardInterrupt" && matches!(attribute.value.as_ref(), Expr::Name(b) if b.id.as_str() == "builtins")
        }
        _ => false,
    };
    match type_ {
        Expr::Tuple(tuple) => tuple.elts.iter().find(|e| is_interrupt(e)),
        other => is_interrupt(other).then_some(other),
    }
}

/// A handler whose body only passes, re-raises, converts or exits (`pass`, `raise`,
/// `raise SystemExit(1)`, `return`, `sys.exit(130)`) skips nothing when a Ctrl-C passes it by.
fn has_code_to_run(body: &[Stmt]) -> bool {
    body.iter().any(|stmt| match stmt {
        Stmt::Pass(_) | Stmt::Raise(_) | Stmt::Return(_) | Stmt::Continue(_) | Stmt::Break(_) => false,
        Stmt::Expr(expr) => !expr.value.is_ellipsis_literal_expr() && !expr.value.is_string_literal_expr() && !exits_the_process(stmt),
        _ => true,
    })
}

/// `sys.exit(...)`, `exit(...)`, `quit(...)`, `os._exit(...)`: a statement that ends the process.
fn exits_the_process(stmt: &Stmt) -> bool {
    let Stmt::Expr(expr) = stmt else { return false };
    let Expr::Call(call) = expr.value.as_ref() else { return false };
    match call.func.as_ref() {
        Expr::Name(name) => matches!(name.id.as_str(), "exit" | "quit"),
        Expr::Attribute(attribute) => {
            matches!((attribute.attr.as_str(), attribute.value.as_ref()), ("exit", Expr::Name(m)) if m.id.as_str() == "sys")
                || matches!((attribute.attr.as_str(), attribute.value.as_ref()), ("_exit", Expr::Name(m)) if m.id.as_str() == "os")
        }
        _ => false,
    }
}

/// `except KeyboardInterrupt:` becomes `except (asyncio.CancelledError, KeyboardInterrupt) as
/// exc:`, and every way out of the handler that does not re-raise — its exits, a call that
/// ends the process, its end — gets `if isinstance(exc, asyncio.CancelledError): raise` first.
/// So a Ctrl-C runs the handler's own code and still ends the task cancelled, and a
/// `KeyboardInterrupt` takes exactly the path it took before.
fn catch_and_reraise(checker: &Checker, handler: &ExceptHandlerExceptHandler, type_: &Expr) -> Result<Vec<Edit>, String> {
    let (cancelled, import) = reraise::cancelled_error(checker);
    let exits: Vec<HandlerExit> = checker
        .exit_finder()
        .exits(handler)
        .into_iter()
        .filter(|exit| !(exit.kind == ExitKind::FallsOff && exit.suite.stmts.last().is_some_and(exits_the_process)))
        .collect();
    let process_exits = process_exits(handler);
    let mut edits: Vec<Edit> = import.into_iter().collect();
    // Every path re-raises already: the handler only has to catch the cancellation too.
    let needs_name = !exits.is_empty() || !process_exits.is_empty();
    let name = match type_ {
        Expr::Tuple(tuple) => {
            let first = tuple.elts.first().ok_or("the `except` names an empty tuple")?;
            let name = needs_name.then(|| {
                let (name, bind) = reraise::bind_exception(checker, handler);
                edits.extend(bind);
                name
            });
            edits.push(Edit::insertion(format!("{cancelled}, "), first.start()));
            name
        }
        // `except KeyboardInterrupt:` or `except (KeyboardInterrupt):` — the tuple replaces the
        // type with its parentheses, and the name goes after them.
        single => {
            let range = parenthesized(checker.source(), single.range());
            edits.push(Edit::range_replacement(format!("({cancelled}, {})", checker.editor.text(single)), range));
            match (&handler.name, needs_name) {
                (Some(name), _) => Some(name.id.to_string()),
                (None, true) => {
                    let name = checker.fresh_name("exc");
                    edits.push(Edit::insertion(format!(" as {name}"), range.end()));
                    Some(name)
                }
                (None, false) => None,
            }
        }
    };
    let Some(name) = name else { return Ok(edits) };
    let editor = &checker.editor;
    let guard = |nested: bool| {
        // Inside an `except` nested in the handler, a bare `raise` would re-raise that one.
        let raise = if nested { format!("raise {name}") } else { "raise".to_string() };
        Snippet::line(format!("if isinstance({name}, {cancelled}):")).then(1, raise)
    };
    for exit in &exits {
        let nested = in_nested_handler(handler, exit.stmt.map_or(exit.suite.header, Ranged::start));
        match exit.stmt {
            Some(stmt) => edits.extend(editor.insert_before(exit.suite, stmt, &guard(nested))),
            None => match exit.suite.stmts.last() {
                Some(last) if last.is_pass_stmt() => edits.extend(editor.replace(exit.suite, last, &guard(nested))),
                _ => edits.extend(editor.append(exit.suite, &guard(nested))),
            },
        }
    }
    for (suite, stmt) in process_exits {
        edits.extend(editor.insert_before(suite, stmt, &guard(in_nested_handler(handler, stmt.start()))));
    }
    Ok(edits)
}

/// `range` widened over the parentheses around it: `(KeyboardInterrupt)` for `KeyboardInterrupt`.
fn parenthesized(source: &str, mut range: TextRange) -> TextRange {
    loop {
        let before = source[..range.start().to_usize()].trim_end();
        let after = source[range.end().to_usize()..].trim_start();
        if !(before.ends_with('(') && after.starts_with(')')) {
            return range;
        }
        let start = ruff_text_size::TextSize::try_from(before.len() - 1).unwrap_or_default();
        let end = range.end() + ruff_text_size::TextSize::try_from(source[range.end().to_usize()..].len() - after.len() + 1).unwrap_or_default();
        range = TextRange::new(start, end);
    }
}

/// The statements of the handler (outside nested functions) that end the process, each with
/// the suite holding it.
fn process_exits(handler: &ExceptHandlerExceptHandler) -> Vec<(Suite<'_>, &Stmt)> {
    struct Exits<'a> {
        found: Vec<(Suite<'a>, &'a Stmt)>,
    }
    impl<'a> Exits<'a> {
        fn suite(&mut self, suite: Suite<'a>) {
            for stmt in suite.stmts {
                if exits_the_process(stmt) {
                    self.found.push((suite, stmt));
                }
                self.visit_stmt(stmt);
            }
        }
    }
    impl<'a> StatementVisitor<'a> for Exits<'a> {
        fn visit_stmt(&mut self, stmt: &'a Stmt) {
            let header = stmt.start();
            match stmt {
                Stmt::FunctionDef(_) | Stmt::ClassDef(_) => {}
                Stmt::If(s) => {
                    self.suite(Suite::new(header, &s.body));
                    s.elif_else_clauses.iter().for_each(|c| self.suite(Suite::new(c.start(), &c.body)));
                }
                Stmt::For(s) => {
                    self.suite(Suite::new(header, &s.body));
                    self.suite(Suite::new(header, &s.orelse));
                }
                Stmt::While(s) => {
                    self.suite(Suite::new(header, &s.body));
                    self.suite(Suite::new(header, &s.orelse));
                }
                Stmt::With(s) => self.suite(Suite::new(header, &s.body)),
                Stmt::Try(s) => {
                    self.suite(Suite::new(header, &s.body));
                    s.handlers.iter().for_each(|ExceptHandler::ExceptHandler(h)| self.suite(Suite::new(h.start(), &h.body)));
                    self.suite(Suite::new(header, &s.orelse));
                    self.suite(Suite::new(header, &s.finalbody));
                }
                _ => walk_stmt(self, stmt),
            }
        }
    }
    let mut exits = Exits { found: Vec::new() };
    exits.suite(Suite::new(handler.start(), &handler.body));
    exits.found
}

/// Is `offset` inside an `except` of a `try` nested in `handler`?
fn in_nested_handler(handler: &ExceptHandlerExceptHandler, offset: ruff_text_size::TextSize) -> bool {
    struct Nested {
        offset: ruff_text_size::TextSize,
        found: bool,
    }
    impl<'a> StatementVisitor<'a> for Nested {
        fn visit_stmt(&mut self, stmt: &'a Stmt) {
            if let Stmt::Try(try_stmt) = stmt {
                self.found |= try_stmt.handlers.iter().any(|h| h.range().contains(self.offset));
            }
            if !matches!(stmt, Stmt::FunctionDef(_) | Stmt::ClassDef(_)) {
                walk_stmt(self, stmt);
            }
        }
    }
    let mut nested = Nested { offset, found: false };
    nested.visit_body(&handler.body);
    nested.found && TextRange::new(handler.start(), handler.end()).contains(offset)
}
