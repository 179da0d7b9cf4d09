//! What CPython refuses to compile that ruff's parser accepts: the limits of its tokenizer
//! and compiler, mixed tabs and spaces, `global` after a use, `await` outside `async def`.
//! Numbers are CPython 3.11's (the runtime the fixes are checked under).

use std::collections::HashSet;
use std::hash::BuildHasherDefault;

use ruff_python_ast::token::TokenKind;
use ruff_python_ast::visitor::{walk_expr, walk_stmt, Visitor};
use ruff_python_ast::{ExceptHandler, Expr, Parameters, Stmt};
use ruff_text_size::{Ranged, TextSize};

use super::structure::Fnv;
use crate::source::Module;

/// "too many statically nested blocks": `CO_MAXBLOCKS`.
const MAX_BLOCKS: usize = 20;
/// "too many levels of indentation": `MAXINDENT` (100) counts the module level too.
const MAX_INDENTS: usize = 99;
/// "too many nested parentheses": `MAXLEVEL`.
const MAX_BRACKETS: usize = 200;
const TAB_SIZE: usize = 8;

/// A compile error CPython would raise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompileError {
    pub offset: TextSize,
    pub message: String,
    /// Which rule: the original is judged by the same one.
    pub kind: &'static str,
}

impl CompileError {
    /// One of CPython's fixed limits (nesting, indentation, brackets): a fix that would cross
    /// it is simply not applied; any other compile error in a fix is a bug in the fix.
    pub fn is_limit(&self) -> bool {
        matches!(self.kind, "blocks" | "indentation-limit" | "brackets")
    }
}

/// The first error CPython's compiler would raise on `module` (which ruff's parser accepted).
pub fn compile_error(module: &Module, source: &str) -> Option<CompileError> {
    indentation_error(module, source)
        .or_else(|| bracket_error(module))
        .or_else(|| {
            let mut blocks = Blocks { error: None };
            blocks.body(&module.syntax().body, 0);
            blocks.error
        })
        .or_else(|| {
            let mut scopes = Scopes { seen: Names::default(), parameters: Names::default(), kind: ScopeKind::Module, yields: false, returns_value: None, error: None };
            scopes.visit_body(&module.syntax().body);
            scopes.error
        })
}

/// The tokenizer's check of each logical line's indentation: columns counted with tabs of 8
/// and of 1 must agree on the order of lines, or it is a TabError; a form feed resets both.
/// A logical line that begins with lines holding only `\\` takes the column of the first
/// `\\` for both counts (CPython's `cont_line_col`).
fn indentation_error(module: &Module, source: &str) -> Option<CompileError> {
    let mut stack: Vec<(usize, usize)> = vec![(0, 0)];
    let mut at_line_start = true;
    let mut line_start = TextSize::default();
    for token in module.tokens() {
        match token.kind() {
            TokenKind::Newline => {
                at_line_start = true;
                line_start = token.end();
                continue;
            }
            TokenKind::NonLogicalNewline if at_line_start => {
                line_start = token.end();
                continue;
            }
            TokenKind::NonLogicalNewline | TokenKind::Comment | TokenKind::Indent | TokenKind::Dedent | TokenKind::EndOfFile => continue,
            _ if !at_line_start => continue,
            _ => at_line_start = false,
        }
        let (column, alternative) = columns(&source[line_start.to_usize()..token.start().to_usize()]);
        let tab_error = || CompileError {
            offset: token.start(),
            message: "inconsistent use of tabs and spaces in indentation (TabError)".to_string(),
            kind: "tabs",
        };
        let &(top, top_alternative) = stack.last().unwrap_or(&(0, 0));
        if column == top {
            if alternative != top_alternative {
                return Some(tab_error());
            }
        } else if column > top {
            if stack.len() > MAX_INDENTS {
                return Some(CompileError { offset: token.start(), message: "too many levels of indentation".to_string(), kind: "indentation-limit" });
            }
            if alternative <= top_alternative {
                return Some(tab_error());
            }
            stack.push((column, alternative));
        } else {
            while stack.len() > 1 && column < stack.last().map_or(0, |s| s.0) {
                stack.pop();
            }
            let &(top, top_alternative) = stack.last().unwrap_or(&(0, 0));
            if column != top {
                return Some(CompileError {
                    offset: token.start(),
                    message: "unindent does not match any outer indentation level".to_string(),
                    kind: "indentation",
                });
            }
            if alternative != top_alternative {
                return Some(tab_error());
            }
        }
    }
    None
}

/// The two columns CPython counts for the blanks before a logical line's first token.
fn columns(blanks: &str) -> (usize, usize) {
    let (mut column, mut alternative, mut continued_at) = (0usize, 0usize, 0usize);
    let mut bytes = blanks.bytes().peekable();
    while let Some(byte) = bytes.next() {
        match byte {
            b' ' => {
                column += 1;
                alternative += 1;
            }
            b'\t' => {
                column = (column / TAB_SIZE + 1) * TAB_SIZE;
                alternative += 1;
            }
            b'\x0c' => (column, alternative) = (0, 0),
            b'\\' => {
                if continued_at == 0 {
                    continued_at = column;
                }
                if bytes.next_if_eq(&b'\r').is_some() {
                    bytes.next_if_eq(&b'\n');
                } else {
                    bytes.next_if_eq(&b'\n');
                }
            }
            _ => break,
        }
    }
    if continued_at != 0 {
        (continued_at, continued_at)
    } else {
        (column, alternative)
    }
}

fn bracket_error(module: &Module) -> Option<CompileError> {
    let mut depth = 0usize;
    for token in module.tokens() {
        match token.kind() {
            TokenKind::Lpar | TokenKind::Lsqb | TokenKind::Lbrace => {
                depth += 1;
                if depth > MAX_BRACKETS {
                    return Some(CompileError { offset: token.start(), message: "too many nested parentheses".to_string(), kind: "brackets" });
                }
            }
            TokenKind::Rpar | TokenKind::Rsqb | TokenKind::Rbrace => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// The compiler's frame blocks (`compiler_push_fblock`): a loop body, each item of a `with`,
/// a `try` body (one for its handlers, one for its `finally`), a handler body (two), a
/// `finally` body (one). A function or class starts again from zero.
struct Blocks {
    error: Option<CompileError>,
}

impl Blocks {
    fn body(&mut self, body: &[Stmt], depth: usize) {
        for stmt in body {
            if self.error.is_some() {
                return;
            }
            self.statement(stmt, depth);
        }
    }

    fn nested(&mut self, stmt: &Stmt, body: &[Stmt], depth: usize) {
        if depth > MAX_BLOCKS && self.error.is_none() {
            self.error = Some(CompileError { offset: stmt.start(), message: "too many statically nested blocks".to_string(), kind: "blocks" });
            return;
        }
        self.body(body, depth);
    }

    fn statement(&mut self, stmt: &Stmt, depth: usize) {
        match stmt {
            Stmt::FunctionDef(function) => self.body(&function.body, 0),
            Stmt::ClassDef(class) => self.body(&class.body, 0),
            Stmt::For(for_stmt) => {
                self.nested(stmt, &for_stmt.body, depth + 1);
                self.body(&for_stmt.orelse, depth);
            }
            Stmt::While(while_stmt) => {
                self.nested(stmt, &while_stmt.body, depth + 1);
                self.body(&while_stmt.orelse, depth);
            }
            Stmt::With(with) => self.nested(stmt, &with.body, depth + with.items.len()),
            Stmt::If(if_stmt) => {
                self.body(&if_stmt.body, depth);
                for clause in &if_stmt.elif_else_clauses {
                    self.body(&clause.body, depth);
                }
            }
            Stmt::Match(match_stmt) => {
                for case in &match_stmt.cases {
                    self.body(&case.body, depth);
                }
            }
            Stmt::Try(try_stmt) => {
                let finally = usize::from(!try_stmt.finalbody.is_empty());
                let handlers = usize::from(!try_stmt.handlers.is_empty());
                self.nested(stmt, &try_stmt.body, depth + finally + handlers);
                for ExceptHandler::ExceptHandler(handler) in &try_stmt.handlers {
                    self.nested(stmt, &handler.body, depth + finally + 2);
                }
                self.nested(stmt, &try_stmt.orelse, depth + finally);
                self.nested(stmt, &try_stmt.finalbody, depth + finally);
            }
            _ => {}
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum ScopeKind {
    Module,
    Class,
    Function,
    AsyncFunction,
    Lambda,
}

/// Names of one scope, hashed with FNV: every name of a large module goes through these sets,
/// and SipHash was a visible share of the check.
type Names<'a> = HashSet<&'a str, BuildHasherDefault<Fnv>>;

/// The symbol table's checks, scope by scope: `global`/`nonlocal` after a use or binding of
/// the name (or of a parameter), `await` and `async` outside `async def`, `return` with a
/// value in an async generator.
struct Scopes<'a> {
    /// Names used or bound so far in this scope.
    seen: Names<'a>,
    parameters: Names<'a>,
    kind: ScopeKind,
    yields: bool,
    returns_value: Option<TextSize>,
    error: Option<CompileError>,
}

impl<'a> Scopes<'a> {
    fn fail(&mut self, offset: TextSize, message: String, kind: &'static str) {
        self.error.get_or_insert(CompileError { offset, message, kind });
    }

    fn in_async(&self) -> bool {
        self.kind == ScopeKind::AsyncFunction
    }

    /// Runs `visit` in a new scope, then puts this one back.
    fn scope(&mut self, kind: ScopeKind, parameters: Option<&'a Parameters>, visit: impl FnOnce(&mut Self)) {
        let names: Names<'a> = parameters.map(|p| p.iter().map(|p| p.name().as_str()).collect()).unwrap_or_default();
        let outer_seen = std::mem::replace(&mut self.seen, names.clone());
        let outer_parameters = std::mem::replace(&mut self.parameters, names);
        let outer_kind = std::mem::replace(&mut self.kind, kind);
        let outer_yields = std::mem::replace(&mut self.yields, false);
        let outer_returns = self.returns_value.take();
        visit(self);
        if self.kind == ScopeKind::AsyncFunction && self.yields {
            if let Some(offset) = self.returns_value {
                self.fail(offset, "'return' with value in async generator".to_string(), "async-generator");
            }
        }
        self.seen = outer_seen;
        self.parameters = outer_parameters;
        self.kind = outer_kind;
        self.yields = outer_yields;
        self.returns_value = outer_returns;
    }

    fn declared(&mut self, stmt: &Stmt, names: &'a [ruff_python_ast::Identifier], keyword: &str) {
        for name in names {
            let name = name.as_str();
            if self.parameters.contains(name) {
                self.fail(stmt.start(), format!("name '{name}' is parameter and {keyword}"), "declaration");
            } else if self.seen.contains(name) {
                self.fail(stmt.start(), format!("name '{name}' is used prior to {keyword} declaration"), "declaration");
            }
        }
    }
}

impl<'a> Visitor<'a> for Scopes<'a> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        match stmt {
            Stmt::Global(global) => self.declared(stmt, &global.names, "global"),
            Stmt::Nonlocal(nonlocal) => self.declared(stmt, &nonlocal.names, "nonlocal"),
            Stmt::FunctionDef(function) => {
                for decorator in &function.decorator_list {
                    self.visit_decorator(decorator);
                }
                self.visit_parameters(&function.parameters);
                if let Some(returns) = &function.returns {
                    self.visit_annotation(returns);
                }
                self.seen.insert(function.name.as_str());
                let kind = if function.is_async { ScopeKind::AsyncFunction } else { ScopeKind::Function };
                self.scope(kind, Some(&function.parameters), |scopes| scopes.visit_body(&function.body));
                return;
            }
            Stmt::ClassDef(class) => {
                for decorator in &class.decorator_list {
                    self.visit_decorator(decorator);
                }
                if let Some(arguments) = &class.arguments {
                    self.visit_arguments(arguments);
                }
                self.seen.insert(class.name.as_str());
                self.scope(ScopeKind::Class, None, |scopes| scopes.visit_body(&class.body));
                return;
            }
            Stmt::Import(import) => {
                for alias in &import.names {
                    let bound = alias.asname.as_ref().map_or_else(|| alias.name.as_str().split('.').next().unwrap_or_default(), |a| a.as_str());
                    self.seen.insert(bound);
                }
            }
            Stmt::ImportFrom(import) => {
                for alias in &import.names {
                    self.seen.insert(alias.asname.as_ref().unwrap_or(&alias.name).as_str());
                }
            }
            // CPython's symbol table visits a `try` in this order: body, `else`, handlers
            // (with the names they bind), `finally`.
            Stmt::Try(try_stmt) => {
                self.visit_body(&try_stmt.body);
                self.visit_body(&try_stmt.orelse);
                for ExceptHandler::ExceptHandler(handler) in &try_stmt.handlers {
                    if let Some(type_) = &handler.type_ {
                        self.visit_expr(type_);
                    }
                    if let Some(name) = &handler.name {
                        self.seen.insert(name.as_str());
                    }
                    self.visit_body(&handler.body);
                }
                self.visit_body(&try_stmt.finalbody);
                return;
            }
            Stmt::Return(ret) if ret.value.is_some() => {
                self.returns_value.get_or_insert(stmt.start());
            }
            Stmt::With(with) if with.is_async && !self.in_async() => {
                self.fail(stmt.start(), "'async with' outside async function".to_string(), "async");
            }
            Stmt::For(for_stmt) if for_stmt.is_async && !self.in_async() => {
                self.fail(stmt.start(), "'async for' outside async function".to_string(), "async");
            }
            _ => {}
        }
        walk_stmt(self, stmt);
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        match expr {
            Expr::Name(name) => {
                self.seen.insert(name.id.as_str());
            }
            Expr::Await(_) if !self.in_async() => self.fail(expr.start(), "'await' outside async function".to_string(), "async"),
            Expr::Yield(_) | Expr::YieldFrom(_) => self.yields = true,
            Expr::Lambda(lambda) => {
                if let Some(parameters) = &lambda.parameters {
                    self.visit_parameters(parameters);
                }
                self.scope(ScopeKind::Lambda, lambda.parameters.as_deref(), |scopes| scopes.visit_expr(&lambda.body));
                return;
            }
            _ => {}
        }
        walk_expr(self, expr);
    }
}
