//! Awaits that can never checkpoint, and callees that shield themselves, seen from the module
//! and the modules of its project it imports them from ([`Project`]). An anyio memory object
//! stream's `aclose()` only calls `close()` (anyio 4.x, `anyio/streams/memory.py`), and an
//! `async def` of the same class, module or project (called on `self`, on an attribute or a
//! local that holds only instances of one such class, by name, or through an imported project
//! module) whose awaits are all of that kind, or that has none, suspends nowhere:
//! a cancel cannot cut such an await short, and it cannot hang. (trio's memory channels are not
//! among them: their `aclose()` closes, then checkpoints.)
//!
//! A stream is known from its bindings in the function that binds it, or from every binding of
//! a `self.` attribute in its class: unpacked from `anyio.create_memory_object_stream(…)`,
//! annotated `MemoryObjectSendStream[…]` / `MemoryObjectReceiveStream[…]`, or assigned from such
//! a parameter. One binding of any other kind and the name is unknown.

use std::path::Path;
use std::sync::Arc;

use ruff_python_ast::statement_visitor::{walk_stmt, StatementVisitor};
use ruff_python_ast::{Expr, Stmt, StmtClassDef, StmtFunctionDef};

use super::names::{AsyncioNames, Library};
use super::project::{Project, Sibling};

/// How deep calls into the module's own `async def`s are followed (a cycle stops there).
const DEPTH: usize = 4;

/// The anyio classes whose `aclose()` never checkpoints.
const MEMORY_STREAMS: &[&str] = &["MemoryObjectSendStream", "MemoryObjectReceiveStream"];

/// Where an await sits: the module's statements and the statements around it, outermost first,
/// and the project the module belongs to (callees it imports from there are read there).
#[derive(Clone, Copy)]
pub struct Place<'a> {
    pub module: &'a [Stmt],
    pub parents: &'a [&'a Stmt],
    pub project: &'a Project,
}

/// True when awaiting `awaited` (the operand of `await`) can never checkpoint.
pub fn never_checkpoints(names: &AsyncioNames, place: Place, awaited: &Expr) -> bool {
    (names.uses(Library::Anyio) || names.uses(Library::Trio)) && Reader::new(names, place).never_checkpoints(place.parents, awaited, DEPTH)
}

/// True when `awaited` calls an `async def` of the same class, module or project that shields
/// itself in anyio or trio code: whose outermost decorator is named for shielding (`@_shielded`),
/// or whose every suspension point sits in a `with` given `shield=True` (`with
/// anyio.CancelScope(shield=True):` around its whole body), calls something named for shielding
/// (`cancel_shielded_checkpoint()`), or awaits a callee that shields itself or never
/// checkpoints. A cancelled scope cannot cut it short.
pub fn shields_itself(names: &AsyncioNames, place: Place, awaited: &Expr) -> bool {
    (names.uses(Library::Anyio) || names.uses(Library::Trio)) && Reader::new(names, place).shields_itself(place.parents, awaited, DEPTH)
}

/// `aclose_shielded(conn)`, `cancel_shielded_checkpoint()`, `final_write(w, shield=True)`: a
/// call that says it shields itself.
pub fn named_for_shielding(awaited: &Expr) -> bool {
    let Expr::Call(call) = awaited else { return false };
    given_shield(awaited) || super::calls::callee_name(&call.func).is_some_and(says_shielded)
}

/// A name with a word for shielding in it (`_shielded`, `cancel_shielded_checkpoint`,
/// `shieldedClose`), not negated (`_unshielded`, `no_shield`, `without_shielding`).
pub fn says_shielded(name: &str) -> bool {
    let mut words: Vec<String> = Vec::new();
    let mut word = String::new();
    let mut previous_lower = false;
    for c in name.chars() {
        if c == '_' || (c.is_uppercase() && previous_lower) {
            words.extend((!word.is_empty()).then(|| std::mem::take(&mut word)));
        }
        if c != '_' {
            word.push(c.to_ascii_lowercase());
        }
        previous_lower = c.is_lowercase();
    }
    words.extend((!word.is_empty()).then_some(word));
    words.iter().enumerate().any(|(at, word)| {
        word.starts_with("shield") && !(at > 0 && matches!(words[at - 1].as_str(), "no" | "not" | "non" | "without" | "skip"))
    })
}

/// A call given `shield=True`: `CancelScope(shield=True)`, `move_on_after(5, shield=True)`,
/// `final_write(w, shield=True)`.
pub fn given_shield(expr: &Expr) -> bool {
    let Expr::Call(call) = expr else { return false };
    call.arguments.find_keyword("shield").is_some_and(|keyword| matches!(&keyword.value, Expr::BooleanLiteral(b) if b.value))
}

/// Reads one module: the checked one, or another module of its project.
struct Reader<'a, 'n> {
    names: &'n AsyncioNames,
    module: &'a [Stmt],
    project: &'n Project,
    /// The module's file, when it is not the checked one.
    path: Option<&'n Path>,
}

/// An `async def` that a call reaches.
enum Callee<'a> {
    /// In this module, with the parents its body sees.
    Here(&'a StmtFunctionDef, Vec<&'a Stmt>),
    /// In another module of the project: a function of it, or a method of one of its classes.
    Elsewhere { sibling: Arc<Sibling>, class: Option<String>, function: String },
}

/// A class that a name reaches: in this module, or in another module of the project.
enum Class<'a> {
    Here(&'a Stmt),
    Elsewhere(Arc<Sibling>, String),
}

impl<'a> Class<'a> {
    fn method(self, name: &str, decorated: Decorated) -> Option<Callee<'a>> {
        match self {
            Class::Here(class_stmt) => {
                let Stmt::ClassDef(class) = class_stmt else { return None };
                let function = async_def(&class.body, name, decorated)?;
                Some(Callee::Here(function, vec![class_stmt, function_stmt(&class.body, function)]))
            }
            Class::Elsewhere(sibling, class) => Some(Callee::Elsewhere { sibling, class: Some(class), function: name.to_string() }),
        }
    }
}

/// What is asked of a callee's body.
#[derive(Clone, Copy)]
enum Question {
    NeverCheckpoints,
    ShieldsItself,
}

impl<'a, 'n> Reader<'a, 'n> {
    fn new(names: &'n AsyncioNames, place: Place<'a>) -> Self
    where
        'a: 'n,
    {
        Reader { names, module: place.module, project: place.project, path: None }
    }

    fn never_checkpoints(&self, parents: &[&'a Stmt], awaited: &Expr, depth: usize) -> bool {
        let Expr::Call(call) = awaited else { return false };
        if depth == 0 {
            return false;
        }
        match call.func.as_ref() {
            Expr::Attribute(method) if method.attr.as_str() == "aclose" && call.arguments.is_empty() && self.is_memory_stream(parents, &method.value, depth) => true,
            // `queue.put(item)` on an unbounded `asyncio.Queue()`: never full, so it never waits.
            Expr::Attribute(method) if method.attr.as_str() == "put" && call.arguments.len() == 1 && self.is_unbounded_queue(parents, &method.value) => true,
            func => self.ask(parents, func, Decorated::Refused, Question::NeverCheckpoints, depth),
        }
    }

    fn shields_itself(&self, parents: &[&'a Stmt], awaited: &Expr, depth: usize) -> bool {
        let Expr::Call(call) = awaited else { return false };
        depth > 0 && self.ask(parents, &call.func, Decorated::Allowed, Question::ShieldsItself, depth)
    }

    /// Asks `question` of the `async def` that calling `func` reaches, if one is known.
    fn ask(&self, parents: &[&'a Stmt], func: &Expr, decorated: Decorated, question: Question, depth: usize) -> bool {
        match self.callee(parents, func, decorated) {
            Some(Callee::Here(function, inner)) => self.answer(function, &inner, question, depth),
            Some(Callee::Elsewhere { sibling, class, function }) => {
                let reader = Reader { names: &sibling.names, module: &sibling.module.syntax().body, project: self.project, path: Some(&sibling.path) };
                let found = match class {
                    Some(class) => reader.module_class(&class).and_then(|class| Class::Here(class).method(&function, decorated)),
                    None => reader.module_function(&function, decorated),
                };
                matches!(found, Some(Callee::Here(f, inner)) if reader.answer(f, &inner, question, depth))
            }
            None => false,
        }
    }

    fn answer(&self, function: &'a StmtFunctionDef, parents: &[&'a Stmt], question: Question, depth: usize) -> bool {
        match question {
            Question::NeverCheckpoints => self.body_never_checkpoints(function, parents, depth),
            Question::ShieldsItself => self.body_shields_itself(function, parents, depth),
        }
    }

    /// Decorated for shielding, or every suspension point of the body shielded: in a `with`
    /// given `shield=True`, or an await of a call that shields itself or never checkpoints.
    fn body_shields_itself(&self, function: &'a StmtFunctionDef, parents: &[&'a Stmt], depth: usize) -> bool {
        // Found by `async_def`, a decorated callee is shielded by its outermost decorator.
        if function.decorator_list.first().is_some_and(|decorator| says_shielded(decorator_name(decorator))) {
            return true;
        }
        let shielded = |awaited: &Expr| {
            named_for_shielding(awaited) || self.shields_itself(parents, awaited, depth - 1) || self.never_checkpoints(parents, awaited, depth - 1)
        };
        let points = |stmts| super::suspension::SuspensionPoints::of(stmts);
        points(&function.body).any()
            && function.body.iter().all(|stmt| match stmt {
                Stmt::With(with) if with.items.iter().any(|item| given_shield(&item.context_expr)) => true,
                other => {
                    let points = points(std::slice::from_ref(other));
                    points.async_blocks == 0 && points.awaited.iter().all(|awaited| shielded(awaited))
                }
            })
    }

    /// A name that the innermost function binding it only ever binds to `asyncio.Queue()`
    /// made without a `maxsize`.
    fn is_unbounded_queue(&self, parents: &[&'a Stmt], expr: &Expr) -> bool {
        let Expr::Name(name) = expr else { return false };
        let unbounded = |value: &Expr| {
            matches!(value, Expr::Call(call) if self.names.asyncio_member(&call.func) == Some("Queue") && call.arguments.is_empty())
        };
        self.innermost_bindings(parents, name.id.as_str()).is_some_and(|(_, bindings)| {
            bindings.iter().all(|binding| match binding {
                Binding::Value(value) | Binding::Annotated(_, Some(value)) => unbounded(value),
                _ => false,
            })
        })
    }

    /// The bindings of `name` in the innermost function of `parents` that binds it (that
    /// function decides what the name holds), with the function's place in `parents`.
    fn innermost_bindings(&self, parents: &[&'a Stmt], name: &str) -> Option<(usize, Vec<Binding<'a>>)> {
        parents.iter().enumerate().rev().find_map(|(at, parent)| {
            let Stmt::FunctionDef(function) = parent else { return None };
            let bindings = self.bindings_in_function(function, &Target::Name(name));
            (!bindings.is_empty()).then_some((at, bindings))
        })
    }

    /// `self.m(…)` of a method the enclosing class defines, `f(…)` of a module-level function
    /// (or one the module imports from its project), `mod.f(…)` of a project module it
    /// imports, or `self.x.m(…)` where every value the class gives `self.x` is an instance of
    /// one class of the module or the project (`self.x = Cache(…)`).
    fn callee(&self, parents: &[&'a Stmt], func: &Expr, decorated: Decorated) -> Option<Callee<'a>> {
        if let Expr::Attribute(method) = func {
            if let Expr::Attribute(holder) = method.value.as_ref() {
                if is_self(parents, &holder.value) {
                    return self.attribute_class(parents, holder.attr.as_str())?.method(method.attr.as_str(), decorated);
                }
            }
        }
        match func {
            Expr::Attribute(method) if is_self(parents, &method.value) => {
                let (class_at, class) = enclosing_class(parents)?;
                let function = async_def(&class.body, method.attr.as_str(), decorated)?;
                let mut inner = parents[..=class_at].to_vec();
                inner.push(function_stmt(&class.body, function));
                Some(Callee::Here(function, inner))
            }
            Expr::Name(name) if !parents.iter().any(|p| binds_locally(p, name.id.as_str())) => {
                let name = name.id.as_str();
                if let Some(imported) = self.project.definition(self.path, self.module, name) {
                    return Some(Callee::Elsewhere { sibling: imported.sibling, class: None, function: imported.name });
                }
                self.module_function(name, decorated)
            }
            // `r.aclose()` where the function binds `r` only to instances of one class of the
            // module or the project (`r = Receiver(…)`), or `streams.close(…)` of a project
            // module the module imports.
            Expr::Attribute(method) => {
                let Expr::Name(local) = method.value.as_ref() else { return None };
                let Some((_, bindings)) = self.innermost_bindings(parents, local.id.as_str()) else {
                    if parents.iter().any(|p| binds_locally(p, local.id.as_str())) {
                        return None;
                    }
                    let sibling = self.project.submodule(self.path, self.module, local.id.as_str())?;
                    return Some(Callee::Elsewhere { sibling, class: None, function: method.attr.to_string() });
                };
                let mut classes = bindings.iter().map(|binding| match binding {
                    Binding::Value(Expr::Call(call)) => call.func.as_name_expr().map(|n| n.id.as_str()),
                    _ => None,
                });
                let first = classes.next()??;
                if !classes.all(|class| class == Some(first)) {
                    return None;
                }
                self.class_named(first)?.method(method.attr.as_str(), decorated)
            }
            _ => None,
        }
    }

    /// The module-level `async def` named `name`, defined once.
    fn module_function(&self, name: &str, decorated: Decorated) -> Option<Callee<'a>> {
        let function = async_def(self.module, name, decorated)?;
        Some(Callee::Here(function, vec![function_stmt(self.module, function)]))
    }

    /// The one class named `name` at module level, or the class the module imports by that
    /// name from its project.
    fn class_named(&self, name: &str) -> Option<Class<'a>> {
        if let Some(imported) = self.project.definition(self.path, self.module, name) {
            return Some(Class::Elsewhere(imported.sibling, imported.name));
        }
        self.module_class(name).map(Class::Here)
    }

    /// The one module-level class named `name`.
    fn module_class(&self, name: &str) -> Option<&'a Stmt> {
        let mut defined = self.module.iter().filter(|stmt| matches!(stmt, Stmt::ClassDef(c) if c.name.as_str() == name));
        let class = defined.next()?;
        defined.next().is_none().then_some(class)
    }

    /// The class (of the module or the project) whose instances are the only values the
    /// enclosing class assigns to `self.{attr}` (`None` aside).
    fn attribute_class(&self, parents: &[&'a Stmt], attr: &str) -> Option<Class<'a>> {
        let (_, class) = enclosing_class(parents)?;
        let target = Target::SelfAttribute(attr);
        let mut classes = Vec::new();
        for stmt in &class.body {
            let Stmt::FunctionDef(method) = stmt else { continue };
            for binding in self.bindings_in_function(method, &target) {
                match binding {
                    Binding::Value(Expr::NoneLiteral(_)) => {}
                    Binding::Value(Expr::Call(call)) => match call.func.as_ref() {
                        Expr::Name(name) => classes.push(name.id.as_str()),
                        _ => return None,
                    },
                    _ => return None,
                }
            }
        }
        let (first, rest) = classes.split_first()?;
        if rest.iter().any(|name| name != first) {
            return None;
        }
        self.class_named(first)
    }

    /// No `async for`, no `async with`, and every await one that never checkpoints.
    fn body_never_checkpoints(&self, function: &'a StmtFunctionDef, parents: &[&'a Stmt], depth: usize) -> bool {
        let points = super::suspension::SuspensionPoints::of(&function.body);
        points.async_blocks == 0 && points.awaited.iter().all(|awaited| self.never_checkpoints(parents, awaited, depth - 1))
    }

    fn is_memory_stream(&self, parents: &[&'a Stmt], expr: &Expr, depth: usize) -> bool {
        match expr {
            Expr::Name(name) => self
                .innermost_bindings(parents, name.id.as_str())
                .is_some_and(|(at, bindings)| bindings.iter().all(|b| self.binds_stream(&parents[..=at], b, depth))),
            Expr::Attribute(attribute) if is_self(parents, &attribute.value) => {
                let Some((class_at, class)) = enclosing_class(parents) else { return false };
                let target = Target::SelfAttribute(attribute.attr.as_str());
                // A class-level annotation says what the attribute holds.
                let annotated = class.body.iter().find_map(|stmt| match stmt {
                    Stmt::AnnAssign(assign) if matches!(assign.target.as_ref(), Expr::Name(n) if n.id.as_str() == attribute.attr.as_str()) => {
                        Some(assign.annotation.as_ref())
                    }
                    _ => None,
                });
                if let Some(annotation) = annotated {
                    return is_stream_annotation(annotation);
                }
                let mut all = Vec::new();
                for stmt in &class.body {
                    if let Stmt::FunctionDef(method) = stmt {
                        let inner: Vec<&Stmt> = parents[..=class_at].iter().copied().chain([stmt]).collect();
                        all.extend(self.bindings_in_function(method, &target).into_iter().map(|b| (b, inner.clone())));
                    }
                }
                let assigned: Vec<_> = all.into_iter().filter(|(b, _)| !matches!(b, Binding::Value(Expr::NoneLiteral(_)))).collect();
                !assigned.is_empty() && assigned.iter().all(|(b, inner)| self.binds_stream(inner, b, depth))
            }
            // `self._streams[key][0]`: an element of an annotated container.
            Expr::Subscript(_) => self.element_annotation(parents, expr).is_some_and(is_stream_annotation),
            _ => false,
        }
    }

    /// The annotation of `expr`'s value, read through subscripts of annotated containers:
    /// `dict[K, V]` gives `V`, `tuple[A, B]` indexed `1` gives `B`, `list[T]` gives `T`.
    fn element_annotation(&self, parents: &[&'a Stmt], expr: &Expr) -> Option<&'a Expr> {
        match expr {
            Expr::Subscript(subscript) => {
                let container = self.element_annotation(parents, &subscript.value)?;
                let Expr::Subscript(generic) = container else { return None };
                let kind = match generic.value.as_ref() {
                    Expr::Name(n) => n.id.as_str(),
                    Expr::Attribute(a) => a.attr.as_str(),
                    _ => return None,
                };
                let arguments: Vec<&'a Expr> = match generic.slice.as_ref() {
                    Expr::Tuple(tuple) => tuple.elts.iter().collect(),
                    one => vec![one],
                };
                match kind.to_ascii_lowercase().as_str() {
                    "dict" | "mapping" | "mutablemapping" | "defaultdict" => arguments.get(1).copied(),
                    "list" | "sequence" | "mutablesequence" | "deque" => arguments.first().copied(),
                    "tuple" => match subscript.slice.as_ref() {
                        Expr::NumberLiteral(n) => n.value.as_int().and_then(|i| i.as_u64()).and_then(|i| arguments.get(i as usize).copied()),
                        _ => None,
                    },
                    _ => None,
                }
            }
            Expr::Name(name) => parents.iter().rev().find_map(|parent| match parent {
                Stmt::FunctionDef(function) => {
                    self.bindings_in_function(function, &Target::Name(name.id.as_str())).into_iter().find_map(Binding::annotation)
                }
                _ => None,
            }),
            Expr::Attribute(attribute) if is_self(parents, &attribute.value) => {
                let (_, class) = enclosing_class(parents)?;
                let target = Target::SelfAttribute(attribute.attr.as_str());
                class.body.iter().find_map(|stmt| match stmt {
                    Stmt::AnnAssign(assign) if matches!(assign.target.as_ref(), Expr::Name(n) if n.id.as_str() == attribute.attr.as_str()) => {
                        Some(assign.annotation.as_ref())
                    }
                    Stmt::FunctionDef(method) => self.bindings_in_function(method, &target).into_iter().find_map(Binding::annotation),
                    _ => None,
                })
            }
            _ => None,
        }
    }

    /// Whether one binding puts a memory object stream in its target.
    fn binds_stream(&self, parents: &[&'a Stmt], binding: &Binding<'a>, depth: usize) -> bool {
        match binding {
            Binding::Annotated(annotation, _) => is_stream_annotation(annotation),
            Binding::Unpacked(value) => self.creates_streams(value),
            Binding::Value(value @ Expr::Name(_)) if depth > 0 => self.is_memory_stream(parents, value, depth - 1),
            Binding::Value(_) | Binding::Other => false,
        }
    }

    /// `anyio.create_memory_object_stream(…)`, `create_memory_object_stream[T](…)`.
    fn creates_streams(&self, value: &Expr) -> bool {
        let Expr::Call(call) = value else { return false };
        let func = match call.func.as_ref() {
            Expr::Subscript(subscript) => subscript.value.as_ref(),
            other => other,
        };
        matches!(self.names.member(func), Some((Library::Anyio, "create_memory_object_stream")))
    }

    /// Every binding of `target` in `function`: its parameters and its assignments, outside
    /// nested functions and classes.
    fn bindings_in_function(&self, function: &'a StmtFunctionDef, target: &Target) -> Vec<Binding<'a>> {
        let mut found = Vec::new();
        if let Target::Name(name) = target {
            for parameter in function.parameters.iter() {
                if parameter.name().as_str() == *name {
                    found.push(parameter.annotation().map_or(Binding::Other, |annotation| Binding::Annotated(annotation, None)));
                }
            }
        }
        let mut collector = Bindings { target, found };
        collector.visit_body(&function.body);
        collector.found
    }
}

/// What a binding put in its target.
enum Binding<'a> {
    /// `x: MemoryObjectSendStream[int]`, with or without a value.
    Annotated(&'a Expr, Option<&'a Expr>),
    /// `send, receive = <value>`: one element of the unpacked value.
    Unpacked(&'a Expr),
    /// `x = <value>`.
    Value(&'a Expr),
    /// A `for` target, a `with … as`, a parameter without annotation, a `del`, …
    Other,
}

impl<'a> Binding<'a> {
    fn annotation(self) -> Option<&'a Expr> {
        match self {
            Binding::Annotated(annotation, _) => Some(annotation),
            _ => None,
        }
    }
}

enum Target<'t> {
    Name(&'t str),
    SelfAttribute(&'t str),
}

impl Target<'_> {
    /// `name`, or `self.attr` in a method.
    fn matches(&self, expr: &Expr) -> bool {
        match (self, expr) {
            (Target::Name(name), Expr::Name(n)) => n.id.as_str() == *name,
            (Target::SelfAttribute(attr), Expr::Attribute(a)) => {
                a.attr.as_str() == *attr && matches!(a.value.as_ref(), Expr::Name(base) if base.id.as_str() == "self")
            }
            _ => false,
        }
    }
}

struct Bindings<'t, 'a> {
    target: &'t Target<'t>,
    found: Vec<Binding<'a>>,
}

impl<'a> Bindings<'_, 'a> {
    fn assigned(&mut self, target: &'a Expr, value: Option<&'a Expr>) {
        match target {
            Expr::Tuple(tuple) => {
                for element in &tuple.elts {
                    if self.target.matches(element) {
                        self.found.push(value.map_or(Binding::Other, Binding::Unpacked));
                    } else if !matches!(element, Expr::Name(_) | Expr::Attribute(_)) {
                        self.assigned(element, None);
                    }
                }
            }
            Expr::Starred(starred) => self.assigned(&starred.value, None),
            _ if self.target.matches(target) => {
                self.found.push(value.map_or(Binding::Other, Binding::Value));
            }
            _ => {}
        }
    }
}

impl<'a> StatementVisitor<'a> for Bindings<'_, 'a> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        match stmt {
            Stmt::FunctionDef(f) => {
                if let Target::Name(name) = self.target {
                    if f.name.as_str() == *name {
                        self.found.push(Binding::Other);
                    }
                }
            }
            Stmt::ClassDef(_) => {}
            Stmt::Assign(assign) => {
                for target in &assign.targets {
                    self.assigned(target, Some(&assign.value));
                }
            }
            Stmt::AnnAssign(assign) => {
                if self.target.matches(&assign.target) {
                    self.found.push(Binding::Annotated(&assign.annotation, assign.value.as_deref()));
                }
            }
            Stmt::AugAssign(assign) => self.assigned(&assign.target, None),
            Stmt::For(for_stmt) => {
                self.assigned(&for_stmt.target, None);
                walk_stmt(self, stmt);
            }
            Stmt::With(with) => {
                for item in &with.items {
                    if let Some(vars) = &item.optional_vars {
                        self.assigned(vars, None);
                    }
                }
                walk_stmt(self, stmt);
            }
            Stmt::Delete(delete) => {
                for target in &delete.targets {
                    self.assigned(target, None);
                }
            }
            Stmt::Import(_) | Stmt::ImportFrom(_) | Stmt::Global(_) | Stmt::Nonlocal(_) => {
                // Rare for a stream; count any such statement naming the target as unknown.
                if let Target::Name(name) = self.target {
                    let named = match stmt {
                        Stmt::Global(g) => g.names.iter().any(|n| n.as_str() == *name),
                        Stmt::Nonlocal(n) => n.names.iter().any(|n| n.as_str() == *name),
                        Stmt::Import(i) => i.names.iter().any(|a| a.asname.as_ref().unwrap_or(&a.name).as_str() == *name),
                        Stmt::ImportFrom(i) => i.names.iter().any(|a| a.asname.as_ref().unwrap_or(&a.name).as_str() == *name),
                        _ => false,
                    };
                    if named {
                        self.found.push(Binding::Other);
                    }
                }
            }
            _ => walk_stmt(self, stmt),
        }
    }
}

/// `MemoryObjectSendStream[bytes]`, `MemoryObjectReceiveStream | None`, `"MemoryObjectSendStream[T]"`.
fn is_stream_annotation(annotation: &Expr) -> bool {
    fn leaves(expr: &Expr, out: &mut Vec<String>) {
        match expr {
            Expr::Subscript(subscript) => match subscript.value.as_ref() {
                Expr::Name(n) if n.id.as_str() == "Optional" => leaves(&subscript.slice, out),
                other => leaves(other, out),
            },
            Expr::BinOp(binop) => {
                leaves(&binop.left, out);
                leaves(&binop.right, out);
            }
            Expr::NoneLiteral(_) => {}
            Expr::Name(n) => out.push(n.id.to_string()),
            Expr::Attribute(a) => out.push(a.attr.to_string()),
            Expr::StringLiteral(s) => {
                let text = s.value.to_str();
                for part in text.split('|').map(str::trim).filter(|p| *p != "None") {
                    out.push(part.split('[').next().unwrap_or_default().rsplit('.').next().unwrap_or_default().to_string());
                }
            }
            _ => out.push(String::new()),
        }
    }
    let mut found = Vec::new();
    leaves(annotation, &mut found);
    !found.is_empty() && found.iter().all(|leaf| MEMORY_STREAMS.contains(&leaf.as_str()))
}

/// Is `expr` the first parameter of the innermost enclosing method (`self`)?
fn is_self(parents: &[&Stmt], expr: &Expr) -> bool {
    let Expr::Name(name) = expr else { return false };
    let Some((class_at, _)) = enclosing_class(parents) else { return false };
    match parents.get(class_at + 1) {
        Some(Stmt::FunctionDef(method)) => method.parameters.iter().next().is_some_and(|p| p.name().as_str() == name.id.as_str()),
        _ => false,
    }
}

/// The class of the innermost method among `parents` (a closure inside a method sees the
/// method's `self`), and where it is.
fn enclosing_class<'a>(parents: &[&'a Stmt]) -> Option<(usize, &'a StmtClassDef)> {
    let class_at = parents.windows(2).rposition(|pair| matches!(pair, [Stmt::ClassDef(_), Stmt::FunctionDef(_)]))?;
    match parents[class_at] {
        Stmt::ClassDef(class) => Some((class_at, class)),
        _ => None,
    }
}

/// Whether a decorated `async def` is taken at its word: its body says nothing of what the
/// decorator makes of it, unless the question is the decorator itself.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Decorated {
    Allowed,
    Refused,
}

fn async_def<'a>(body: &'a [Stmt], name: &str, decorated: Decorated) -> Option<&'a StmtFunctionDef> {
    let mut defs = body.iter().filter_map(|s| match s {
        Stmt::FunctionDef(f) if f.name.as_str() == name => Some(f),
        _ => None,
    });
    let function = defs.next()?;
    // Defined twice (a property setter, a conditional definition), or bound again
    // (`close = retry(close)`): not one known body.
    let bound_again = body.iter().any(|s| !matches!(s, Stmt::FunctionDef(f) if std::ptr::eq(f, function)) && super::names::binds_name(s, name));
    // A decorator may wrap the body in code of its own (a lock, a retry): the body keeps its
    // word only under decorators that wrap nothing, or, when shielding is the question, under an
    // outermost one named for it (`@_shielded` above `@aio_as_trio`: the whole call is shielded).
    let wraps_nothing = |decorator| matches!(decorator_name(decorator), "staticmethod" | "classmethod" | "override" | "final");
    let outermost_shields = function.decorator_list.first().is_some_and(|decorator| says_shielded(decorator_name(decorator)));
    let decorators_known = function.decorator_list.iter().all(wraps_nothing) || (decorated == Decorated::Allowed && outermost_shields);
    (function.is_async && defs.next().is_none() && !bound_again && decorators_known).then_some(function)
}

/// `shielded` of `@shielded`, `@shielded(5)`, `@module.shielded`.
fn decorator_name(decorator: &ruff_python_ast::Decorator) -> &str {
    let callee = match &decorator.expression {
        Expr::Call(call) => call.func.as_ref(),
        other => other,
    };
    super::calls::callee_name(callee).unwrap_or_default()
}

fn function_stmt<'a>(body: &'a [Stmt], function: &StmtFunctionDef) -> &'a Stmt {
    body.iter().find(|s| matches!(s, Stmt::FunctionDef(f) if std::ptr::eq(f, function))).expect("the function is in the body")
}

/// Whether a function among the parents binds `name` itself (so a call of `name` is not the
/// module's function).
fn binds_locally(parent: &Stmt, name: &str) -> bool {
    matches!(parent, Stmt::FunctionDef(function) if super::names::bound_names(function).contains(name))
}

#[cfg(test)]
mod tests {
    use super::says_shielded;

    #[test]
    fn names_that_say_they_shield() {
        for name in ["_shielded", "cancel_shielded_checkpoint", "aclose_shielded", "shieldedClose", "shield", "run_shielded"] {
            assert!(says_shielded(name), "{name}");
        }
        for name in ["_unshielded", "no_shield", "without_shielding", "unshield_and_close", "notShielded", "close"] {
            assert!(!says_shielded(name), "{name}");
        }
    }
}
