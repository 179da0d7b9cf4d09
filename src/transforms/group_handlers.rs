//! Handlers of exception groups in anyio and trio code (CS102's group handlers): which
//! handlers can hold the scope's cancellation inside a group, and which of their exits cannot
//! drop it. The fix itself is the shared re-raise (`reraise`), raising the group's cancellation
//! part.

use ruff_python_ast::{ExceptHandlerExceptHandler, Expr, Stmt};
use ruff_text_size::{Ranged, TextRange};

use super::Checker;
use crate::analysis::calls::callee_name;
use crate::analysis::flow::{ExitKind, HandlerExit};
use crate::analysis::holds;
use crate::analysis::names::Catches;

/// An exit of a group handler that cannot drop a cancellation: it raises the group's only
/// member (`if len(group.exceptions) != 1: raise`, then `raise group.exceptions[0]`), or it is
/// reached only when every member is of other classes (`if all(isinstance(e, StopConsumer) for
/// e in group.exceptions): return`).
pub(super) fn holds_no_cancel(checker: &Checker, handler: &ExceptHandlerExceptHandler, exit: &HandlerExit) -> bool {
    use ruff_python_ast::visitor::{walk_expr, walk_stmt, Visitor};
    let Some(group) = handler.name.as_ref().map(|name| name.id.as_str()) else { return false };
    // Names the handler binds to the group's members: `exceptions = group.exceptions`,
    // `exc = group.exceptions[0]` (then `first` marks the latter).
    let members = |expr: &Expr| matches!(expr, Expr::Attribute(a) if a.attr.as_str() == "exceptions" && matches!(a.value.as_ref(), Expr::Name(n) if n.id.as_str() == group));
    let mut member_lists = Vec::new();
    let mut first_members = Vec::new();
    let is_first = |expr: &Expr, lists: &[&str]| {
        matches!(expr, Expr::Subscript(s) if s.slice.as_number_literal_expr().and_then(|n| n.value.as_int()).and_then(|i| i.as_u64()) == Some(0)
            && (members(&s.value) || matches!(s.value.as_ref(), Expr::Name(n) if lists.contains(&n.id.as_str()))))
    };
    // In source order, nested statements too (`if len(group.exceptions) == 1: exc = …`).
    let mut assignments = Vec::new();
    collect_assignments(&handler.body, &mut assignments);
    for assign in assignments {
        if let [Expr::Name(target)] = assign.targets.as_slice() {
            if members(&assign.value) {
                member_lists.push(target.id.as_str());
            } else if is_first(&assign.value, &member_lists) {
                first_members.push(target.id.as_str());
            }
        }
    }
    if exit.kind == ExitKind::RaiseOther {
        let Some(Stmt::Raise(raise)) = exit.stmt else { return false };
        let raised_first = raise.exc.as_deref().is_some_and(|exc| is_first(exc, &member_lists) || matches!(exc, Expr::Name(n) if first_members.contains(&n.id.as_str())));
        // The length test that makes the first member the only one.
        struct LengthTest<'m>(&'m [&'m str], &'m str, bool);
        impl<'e> Visitor<'e> for LengthTest<'_> {
            fn visit_expr(&mut self, expr: &'e Expr) {
                if let Expr::Compare(compare) = expr {
                    let one = compare.comparators.iter().any(|c| c.as_number_literal_expr().and_then(|n| n.value.as_int()).and_then(|i| i.as_u64()) == Some(1));
                    let of_members = matches!(compare.left.as_ref(), Expr::Call(call) if callee_name(&call.func) == Some("len")
                        && call.arguments.args.first().is_some_and(|arg| matches!(arg, Expr::Attribute(a) if a.attr.as_str() == "exceptions" && matches!(a.value.as_ref(), Expr::Name(n) if n.id.as_str() == self.1))
                            || matches!(arg, Expr::Name(n) if self.0.contains(&n.id.as_str()))));
                    self.2 |= one && of_members;
                }
                walk_expr(self, expr);
            }
        }
        let mut test = LengthTest(&member_lists, group, false);
        for stmt in &handler.body {
            walk_stmt(&mut test, stmt);
        }
        return raised_first && test.2;
    }
    // The `if` tests of the handler that the exit sits under.
    let Some(at) = exit.stmt.map(Ranged::range).or_else(|| exit.suite.stmts.last().map(Ranged::range)) else { return false };
    struct Tests<'e>(TextRange, Vec<&'e Expr>);
    impl<'e> Visitor<'e> for Tests<'e> {
        fn visit_stmt(&mut self, stmt: &'e Stmt) {
            if let Stmt::If(test) = stmt {
                if holds(&test.body, self.0) {
                    self.1.push(&test.test);
                }
                for clause in &test.elif_else_clauses {
                    if let Some(t) = clause.test.as_ref().filter(|_| holds(&clause.body, self.0)) {
                        self.1.push(t);
                    }
                }
            }
            if !matches!(stmt, Stmt::FunctionDef(_) | Stmt::ClassDef(_)) {
                walk_stmt(self, stmt);
            }
        }
    }
    let mut tests = Tests(at, Vec::new());
    tests.visit_body(&handler.body);
    tests.1.iter().any(|test| {
        // `all(isinstance(e, T) for e in group.exceptions)`, `T` not a cancellation.
        let Expr::Call(call) = test else { return false };
        let [Expr::Generator(generator)] = call.arguments.args.as_ref() else { return false };
        let [comprehension] = generator.generators.as_slice() else { return false };
        let Expr::Call(isinstance) = generator.elt.as_ref() else { return false };
        callee_name(&call.func) == Some("all")
            && callee_name(&isinstance.func) == Some("isinstance")
            && (members(&comprehension.iter) || matches!(&comprehension.iter, Expr::Name(n) if member_lists.contains(&n.id.as_str())))
            && matches!((isinstance.arguments.args.first(), &comprehension.target), (Some(Expr::Name(a)), Expr::Name(b)) if a.id == b.id)
            && isinstance.arguments.args.get(1).is_some_and(|class| {
                checker.names.catches(Some(class)) == Catches::Nothing && !checker.names.catches_group(Some(class))
            })
    })
}

/// The assignments among `body`, nested ones too (not in nested functions or classes), in
/// source order.
fn collect_assignments<'a>(body: &'a [Stmt], out: &mut Vec<&'a ruff_python_ast::StmtAssign>) {
    use ruff_python_ast::statement_visitor::{walk_stmt, StatementVisitor};
    struct Assignments<'a, 'o>(&'o mut Vec<&'a ruff_python_ast::StmtAssign>);
    impl<'a> StatementVisitor<'a> for Assignments<'a, '_> {
        fn visit_stmt(&mut self, stmt: &'a Stmt) {
            match stmt {
                Stmt::Assign(assign) => self.0.push(assign),
                Stmt::FunctionDef(_) | Stmt::ClassDef(_) => {}
                _ => walk_stmt(self, stmt),
            }
        }
    }
    Assignments(out).visit_body(body);
}

/// `except BaseExceptionGroup` in anyio or trio code: under trio (and anyio on trio) a nursery
/// cancelled from outside raises the group with the scope's `Cancelled` beside its children's
/// errors, so the handler catches the cancellation. (asyncio's task groups, and anyio's on the
/// asyncio backend, leave cancelled children out of the group: checked in
/// tests/library_facts/checkpoints.py.)
pub fn is_group_handler(checker: &Checker, handler: &ExceptHandlerExceptHandler) -> bool {
    let type_ = handler.type_.as_deref();
    checker.library().is_structured() && checker.names.catches(type_) == Catches::Nothing && checker.names.catches_group(type_)
}

/// A group handler that settles the cancellation part itself: it raises the part (`raise
/// cancelled` after `cancelled, rest = group.split(trio.Cancelled)`, `raise
/// group.subgroup(…)`), or tests it before a raise (`if group.subgroup(…): raise`).
pub(super) fn decides_cancel_part(checker: &Checker, handler: &ExceptHandlerExceptHandler) -> bool {
    use ruff_python_ast::visitor::{walk_expr, walk_stmt, Visitor};
    struct Parts<'c, 'a> {
        checker: &'c Checker<'a>,
        names: Vec<String>,
        decides: bool,
    }
    impl Parts<'_, '_> {
        fn mentions(&self, expr: &Expr) -> bool {
            struct Mention<'p, 'c, 'a>(&'p Parts<'c, 'a>, bool);
            impl<'e> Visitor<'e> for Mention<'_, '_, '_> {
                fn visit_expr(&mut self, expr: &'e Expr) {
                    self.1 |= self.0.checker.names.takes_cancel_part(expr)
                        || matches!(expr, Expr::Name(n) if self.0.names.iter().any(|part| part == n.id.as_str()));
                    walk_expr(self, expr);
                }
            }
            let mut mention = Mention(self, false);
            mention.visit_expr(expr);
            mention.1
        }
    }
    impl<'a> Visitor<'a> for Parts<'_, '_> {
        fn visit_stmt(&mut self, stmt: &'a Stmt) {
            if let Some(part) = self.checker.names.binds_cancel_part(stmt) {
                self.names.push(part.to_string());
            }
            match stmt {
                Stmt::FunctionDef(_) | Stmt::ClassDef(_) => return,
                Stmt::Raise(raise) => self.decides |= raise.exc.as_deref().is_some_and(|exc| self.mentions(exc)),
                Stmt::If(test) => {
                    let raises = |body: &[Stmt]| body.iter().any(|s| matches!(s, Stmt::Raise(_)));
                    self.decides |= self.mentions(&test.test) && raises(&test.body)
                        || test.elif_else_clauses.iter().any(|clause| clause.test.as_ref().is_some_and(|t| self.mentions(t)) && raises(&clause.body));
                }
                _ => {}
            }
            walk_stmt(self, stmt);
        }
    }
    let mut parts = Parts { checker, names: Vec::new(), decides: false };
    parts.visit_body(&handler.body);
    parts.decides
}
