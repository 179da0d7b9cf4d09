//! The structural check, black's AST-equivalence idea applied to edits: the fixed module's
//! tree must be the original's, except for what the fixes meant to add or replace.
//!
//! Both trees are flattened (every node in source order, with its parent). Each node of the
//! fixed tree is mapped back through the edits: a node whose kind and range (only the start,
//! for a statement with a block) match an original node *is* that node; the innermost one wins,
//! so in `_track_task(create_task(x))` the inner call is the original and the outer one new.
//! Then:
//!
//! 1. every original node is still there, unless it starts inside text an edit replaced;
//! 2. every kept node has the same parent and the same order as before, and the same leaf data
//!    (name, operator, literal);
//! 3. a new statement comes from an edit of the vocabulary, and sits where that edit declared
//!    it goes ([`Placement`]: its suite, and the statements right before or after it);
//! 4. a new block holds original statements only if its edit declared it wraps them.

use std::hash::{Hash, Hasher};

use ruff_diagnostics::Edit;
use ruff_python_ast::visitor::source_order::{SourceOrderVisitor, TraversalSignal};
use ruff_python_ast::{AnyNodeRef, NodeKind};
use ruff_source_file::LineRanges;
use ruff_text_size::{Ranged, TextRange, TextSize};

use super::offsets::{partition_point_near, OffsetMap, Origin};
use crate::edits::Placement;
use crate::source::Module;

/// One node of a flattened tree.
struct Node {
    kind: NodeKind,
    range: TextRange,
    /// Index of the parent; the module root (index 0) is its own parent. Indices are `u32`
    /// here and below: a large module has millions of nodes, and every byte per node counts.
    parent: u32,
    /// Name, operator or literal text: what tells two nodes of one kind apart besides children.
    leaf: u64,
    /// The node can own a block of statements: matched by its start alone, since appending to
    /// its block moves its end.
    has_block: bool,
    /// A subtree no edit touches, kept as this one node: its text is the same on both sides,
    /// so is everything below it.
    opaque: bool,
}

/// A tree in source order (the root first).
pub struct Flat {
    nodes: Vec<Node>,
    /// Of the original tree: (start, index) of every statement, in source order.
    statements: Vec<(TextSize, usize)>,
    /// Of the original tree: (key, index) of every node, sorted: how the fixed tree finds a node.
    keys: Vec<(u128, usize)>,
    /// Of the fixed tree: for each node, where the original nodes with its key (its range
    /// mapped back through the edits) start in the original's `keys`; [`NO_MATCH`] if none.
    matches: Vec<u32>,
}

const NO_MATCH: u32 = u32::MAX;

impl Flat {
    /// The tree of the text the edits apply to; a subtree that no edit touches (nor an edit at
    /// the end of the line a block ends on, where appending to the block goes) is one opaque
    /// node.
    pub fn original(module: &Module, source: &str, edits: &[Edit]) -> Flat {
        // Nodes come in source order: each search starts from the previous one's answer.
        let mut last = 0;
        let mut touched = |node: AnyNodeRef| {
            let mut range = node.range();
            if has_block(node.kind()) {
                range = TextRange::new(range.start(), source.line_end(range.end()));
            }
            last = partition_point_near(edits, last, |edit| edit.end() < range.start());
            edits.get(last).is_some_and(|edit| edit.start() <= range.end())
        };
        let nodes = Flat::build(module, source, &mut |node| !touched(node));
        let mut statements: Vec<(TextSize, usize)> =
            nodes.iter().enumerate().filter(|(_, node)| is_statement(node.kind)).map(|(index, node)| (node.range.start(), index)).collect();
        // Already in order: a statement starts after its parent and after its earlier siblings.
        if !statements.is_sorted_by_key(|&(start, _)| start) {
            statements.sort_by_key(|&(start, _)| start);
        }
        let mut keys: Vec<(u128, usize)> =
            nodes.iter().enumerate().skip(1).map(|(index, node)| (key(node.kind, node.range.start(), node.range.end(), node.has_block), index)).collect();
        // In source order starts never decrease, so only the nodes that start at one place
        // (a call and its callee) need sorting among themselves; the full sort is a fallback.
        for group in keys.chunk_by_mut(|a, b| a.0 >> 64 == b.0 >> 64) {
            group.sort_unstable();
        }
        if !keys.is_sorted() {
            keys.sort_unstable();
        }
        Flat { nodes, statements, keys, matches: Vec::new() }
    }

    /// The tree of the fixed text; a subtree that is an unchanged copy of an opaque one of the
    /// original (same kind and mapped range, no inserted text inside) is opaque too.
    pub fn fixed(module: &Module, source: &str, map: &OffsetMap, original: &Flat) -> Flat {
        let mut matches = Vec::with_capacity(module.tokens().len() + 1);
        matches.push(NO_MATCH);
        // Nodes come in source order, and so do their keys' starts: each search starts from
        // the previous one's answer.
        let mut last = 0;
        let mut copy = |node: AnyNodeRef| {
            let range = node.range();
            let kind = node.kind();
            let wanted = key(kind, map.start(range.start()), map.end(range.end()), has_block(kind));
            let first = partition_point_near(&original.keys, last, |(key, _)| *key < wanted);
            last = first;
            let found = original.keys.get(first).filter(|(key, _)| *key == wanted);
            matches.push(if found.is_some() { index32(first) } else { NO_MATCH });
            !map.inserted_within(range) && found.is_some_and(|&(_, index)| original.nodes[index].opaque)
        };
        let nodes = Flat::build(module, source, &mut copy);
        Flat { nodes, statements: Vec::new(), keys: Vec::new(), matches }
    }

    fn build(module: &Module, source: &str, opaque: &mut dyn FnMut(AnyNodeRef) -> bool) -> Vec<Node> {
        let root = Node { kind: NodeKind::ModModule, range: module.syntax().range, parent: 0, leaf: 0, has_block: true, opaque: false };
        // Room for a node per token: about as many as a tree has, so the list is not copied
        // as it grows (on a large module that is most of the flattening's time).
        let mut nodes = Vec::with_capacity(module.tokens().len() + 1);
        nodes.push(root);
        let mut flattener = Flattener { source, nodes, open: vec![0], opaque };
        flattener.visit_body(&module.syntax().body);
        flattener.nodes
    }

    /// The original statement that starts at `start`.
    fn statement_at(&self, start: TextSize) -> Option<usize> {
        let after = self.statements.partition_point(|&(s, _)| s <= start);
        after.checked_sub(1).map(|last| self.statements[last]).filter(|&(s, _)| s == start).map(|(_, index)| index)
    }
}

struct Flattener<'s, 'o> {
    source: &'s str,
    nodes: Vec<Node>,
    /// The chain of open nodes (indices), innermost last.
    open: Vec<u32>,
    opaque: &'o mut dyn FnMut(AnyNodeRef) -> bool,
}

impl<'a> SourceOrderVisitor<'a> for Flattener<'_, '_> {
    fn enter_node(&mut self, node: AnyNodeRef<'a>) -> TraversalSignal {
        let parent = *self.open.last().unwrap_or(&0);
        let opaque = (self.opaque)(node);
        self.nodes.push(Node {
            kind: node.kind(),
            range: node.range(),
            parent,
            leaf: if opaque { 0 } else { leaf_of(node, self.source) },
            has_block: has_block(node.kind()),
            opaque,
        });
        self.open.push(index32(self.nodes.len() - 1));
        if opaque {
            TraversalSignal::Skip
        } else {
            TraversalSignal::Traverse
        }
    }

    fn leave_node(&mut self, _node: AnyNodeRef<'a>) {
        self.open.pop();
    }
}

fn has_block(kind: NodeKind) -> bool {
    matches!(
        kind,
        NodeKind::ModModule
            | NodeKind::StmtFunctionDef
            | NodeKind::StmtClassDef
            | NodeKind::StmtFor
            | NodeKind::StmtWhile
            | NodeKind::StmtIf
            | NodeKind::StmtWith
            | NodeKind::StmtMatch
            | NodeKind::StmtTry
            | NodeKind::ExceptHandlerExceptHandler
            | NodeKind::ElifElseClause
            | NodeKind::MatchCase
    )
}

/// `NodeKind` has no `is_statement`; the statement kinds are the `Stmt…` ones.
fn is_statement(kind: NodeKind) -> bool {
    matches!(
            kind,
            NodeKind::StmtFunctionDef
                | NodeKind::StmtClassDef
                | NodeKind::StmtReturn
                | NodeKind::StmtDelete
                | NodeKind::StmtTypeAlias
                | NodeKind::StmtAssign
                | NodeKind::StmtAugAssign
                | NodeKind::StmtAnnAssign
                | NodeKind::StmtFor
                | NodeKind::StmtWhile
                | NodeKind::StmtIf
                | NodeKind::StmtWith
                | NodeKind::StmtMatch
                | NodeKind::StmtRaise
                | NodeKind::StmtTry
                | NodeKind::StmtAssert
                | NodeKind::StmtImport
                | NodeKind::StmtImportFrom
                | NodeKind::StmtGlobal
                | NodeKind::StmtNonlocal
                | NodeKind::StmtExpr
                | NodeKind::StmtPass
                | NodeKind::StmtBreak
                | NodeKind::StmtContinue
                | NodeKind::StmtIpyEscapeCommand
    )
}

/// What distinguishes a node from another of its kind with the same children.
fn leaf_of(node: AnyNodeRef, source: &str) -> u64 {
    let mut hasher = Fnv::default();
    match node {
        AnyNodeRef::ExprName(name) => name.id.as_str().hash(&mut hasher),
        AnyNodeRef::Identifier(identifier) => identifier.as_str().hash(&mut hasher),
        AnyNodeRef::ExprBoolOp(op) => op.op.hash(&mut hasher),
        AnyNodeRef::ExprBinOp(op) => op.op.hash(&mut hasher),
        AnyNodeRef::ExprUnaryOp(op) => op.op.hash(&mut hasher),
        AnyNodeRef::ExprCompare(compare) => compare.ops.hash(&mut hasher),
        AnyNodeRef::StmtAugAssign(assign) => assign.op.hash(&mut hasher),
        AnyNodeRef::ExprBooleanLiteral(literal) => literal.value.hash(&mut hasher),
        AnyNodeRef::ExprNumberLiteral(_)
        | AnyNodeRef::StringLiteral(_)
        | AnyNodeRef::BytesLiteral(_)
        | AnyNodeRef::InterpolatedStringLiteralElement(_) => source[node.range()].hash(&mut hasher),
        AnyNodeRef::StmtFunctionDef(function) => function.is_async.hash(&mut hasher),
        AnyNodeRef::StmtFor(for_stmt) => for_stmt.is_async.hash(&mut hasher),
        AnyNodeRef::StmtWith(with) => with.is_async.hash(&mut hasher),
        AnyNodeRef::StmtTry(try_stmt) => try_stmt.is_star.hash(&mut hasher),
        AnyNodeRef::Comprehension(comprehension) => comprehension.is_async.hash(&mut hasher),
        AnyNodeRef::StmtImportFrom(import) => import.level.hash(&mut hasher),
        _ => {}
    }
    hasher.finish()
}

/// FNV-1a: small and fast; nothing here needs protection from chosen collisions.
pub(super) struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.0 = (self.0 ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

/// Why the fixed tree is not the original one plus what the fixes meant.
pub struct Mismatch {
    /// An offset in the fixed text (or in the original, with `in_original`).
    pub offset: TextSize,
    pub in_original: bool,
    pub what: &'static str,
}

/// Checks `fixed` (the tree of the text `edits` produce) against `original`.
pub fn check(original: &Flat, fixed: &Flat, map: &OffsetMap, edits: &[Edit], placements: &[Placement]) -> Result<(), Mismatch> {
    let mut declared: Vec<&Placement> = placements.iter().collect();
    declared.sort_by_key(|placement| placement.at);
    let placements_at = |at: TextSize| {
        let first = declared.partition_point(|placement| placement.at < at);
        declared[first..].iter().take_while(move |placement| placement.at == at).copied()
    };
    let replaced = |offset: TextSize| {
        let index = edits.partition_point(|edit| edit.start() <= offset);
        index > 0 && edits[index - 1].range().contains(offset)
    };

    // Original nodes by what identifies them: a sorted list, not a hash map, so hundreds of
    // thousands of nodes are matched at the cost of one sort and a binary search each.
    let by_key = &original.keys;

    // Claim in post-order, so that the innermost of several fixed nodes mapping to one
    // original node is the one that claims it.
    let mut claimed: Vec<Option<u32>> = vec![None; fixed.nodes.len()];
    claimed[0] = Some(0);
    let mut owner: Vec<Option<u32>> = vec![None; original.nodes.len()];
    owner[0] = Some(0);
    for index in post_order(fixed) {
        let first = fixed.matches[index];
        if first == NO_MATCH {
            continue;
        }
        let first = first as usize;
        let wanted = by_key[first].0;
        let candidates = by_key[first..].iter().take_while(|(key, _)| *key == wanted);
        if let Some(&(_, original_index)) = candidates.clone().find(|(_, o)| owner[*o].is_none()) {
            owner[original_index] = Some(index32(index));
            claimed[index] = Some(index32(original_index));
        }
    }

    // 1. Nothing original is lost except what an edit replaced.
    for (index, node) in original.nodes.iter().enumerate() {
        if owner[index].is_none() && !replaced(node.range.start()) {
            return Err(Mismatch { offset: node.range.start(), in_original: true, what: "original code is missing from the fixed tree" });
        }
    }

    // The nearest kept ancestor of every original node (itself excluded).
    let mut kept_parent = vec![0u32; original.nodes.len()];
    for index in 1..original.nodes.len() {
        let parent = original.nodes[index].parent;
        kept_parent[index] = if owner[parent as usize].is_some() { parent } else { kept_parent[parent as usize] };
    }
    // The nearest claimed ancestor of every fixed node (itself excluded).
    let mut claimed_parent = vec![0u32; fixed.nodes.len()];
    for index in 1..fixed.nodes.len() {
        let parent = fixed.nodes[index].parent;
        claimed_parent[index] = if claimed[parent as usize].is_some() { parent } else { claimed_parent[parent as usize] };
    }

    // 2. Kept nodes keep their parent, order and leaf data.
    let mut last_original = 0usize;
    for (index, node) in fixed.nodes.iter().enumerate().skip(1) {
        let Some(original_index) = claimed[index].map(|o| o as usize) else { continue };
        let before = &original.nodes[original_index];
        if original_index < last_original {
            return Err(Mismatch { offset: node.range.start(), in_original: false, what: "original code moved" });
        }
        last_original = original_index;
        if claimed[claimed_parent[index] as usize] != Some(kept_parent[original_index]) {
            return Err(Mismatch { offset: node.range.start(), in_original: false, what: "original code ended up in another block" });
        }
        if before.leaf != node.leaf {
            return Err(Mismatch { offset: node.range.start(), in_original: false, what: "original code changed" });
        }
    }

    // 3 and 4. New nodes come from edits, new statements sit where their edit said.
    let children = statement_children(fixed);
    let (previous_kept, next_kept) = children.nearest_kept(&claimed);
    for (index, node) in fixed.nodes.iter().enumerate().skip(1) {
        let parent = node.parent as usize;
        match claimed[index].map(|o| o as usize) {
            Some(original_index) => {
                // An original statement directly inside a new node: that node must be a
                // declared wrapper of it.
                if claimed[parent].is_none() && is_statement(node.kind) {
                    let top = topmost_new(fixed, &claimed, index);
                    let wrapped = match map.first_byte(fixed.nodes[top].range.start()) {
                        Origin::Inserted(edit) => placements_at(map.edit(edit).start()).any(|p| {
                            p.wraps.is_some_and(|range| range.contains_range(original.nodes[original_index].range))
                        }),
                        Origin::Kept(_) => false,
                    };
                    if !wrapped {
                        return Err(Mismatch { offset: node.range.start(), in_original: false, what: "original code ended up inside an inserted block" });
                    }
                }
            }
            None => {
                let Origin::Inserted(edit) = map.first_byte(node.range.start()) else {
                    return Err(Mismatch { offset: node.range.start(), in_original: false, what: "original code changed" });
                };
                if claimed[parent].is_none() || !is_statement(node.kind) {
                    continue;
                }
                let at = map.edit(edit).start();
                let slot = children.slot[index] as usize;
                let (previous, next) = (previous_kept[slot], next_kept[slot]);
                let start_of = |o: Option<u32>| o.map(|o| original.nodes[o as usize].range.start());
                let fits = |placement: &Placement| {
                    let suite_owner = match placement.suite_member {
                        None => 0,
                        Some(member) => match original.statement_at(member) {
                            Some(statement) => original.nodes[statement].parent,
                            None => return false,
                        },
                    };
                    claimed[parent] == Some(suite_owner)
                        && placement.after.is_none_or(|after| start_of(previous) == Some(after))
                        && placement.before.is_none_or(|before| start_of(next) == Some(before))
                };
                let mut declared = placements_at(at).peekable();
                if declared.peek().is_none() {
                    return Err(Mismatch { offset: node.range.start(), in_original: false, what: "a statement was inserted by an edit that declares no place for it" });
                }
                if !declared.any(|p| fits(p)) {
                    return Err(Mismatch { offset: node.range.start(), in_original: false, what: "an inserted statement landed outside the block it was meant for" });
                }
            }
        }
    }
    Ok(())
}

/// What identifies a node across the edits: its kind and range (a node with a block: its
/// kind and start), packed for sorting.
fn key(kind: NodeKind, start: TextSize, end: TextSize, has_block: bool) -> u128 {
    let end = if has_block { u32::MAX } else { u32::from(end) };
    (u128::from(u32::from(start)) << 64) | (u128::from(end) << 32) | kind as u128
}

/// The outermost of the new nodes enclosing `index` (up to the nearest original one).
fn topmost_new(flat: &Flat, claimed: &[Option<u32>], index: usize) -> usize {
    let mut top = flat.nodes[index].parent as usize;
    while claimed[flat.nodes[top].parent as usize].is_none() {
        top = flat.nodes[top].parent as usize;
    }
    top
}

/// The statement children of each node, in order, in one array (grouped by parent).
struct Children {
    /// Where each node's children start in `all`, and where the next node's do.
    starts: Vec<u32>,
    all: Vec<u32>,
    /// Each statement node's place in `all` (unused for other nodes).
    slot: Vec<u32>,
}

impl Children {
    /// For each place in `all`: the original node claimed by the nearest kept sibling before
    /// it, and after it. One pass each way per parent: a scan per inserted statement would be
    /// quadratic in a long run of them (thousands of module-level insertions).
    fn nearest_kept(&self, claimed: &[Option<u32>]) -> (Vec<Option<u32>>, Vec<Option<u32>>) {
        let mut previous = vec![None; self.all.len()];
        let mut next = vec![None; self.all.len()];
        for bounds in self.starts.windows(2) {
            let slots = bounds[0] as usize..bounds[1] as usize;
            let mut last = None;
            for slot in slots.clone() {
                previous[slot] = last;
                last = claimed[self.all[slot] as usize].or(last);
            }
            let mut last = None;
            for slot in slots.rev() {
                next[slot] = last;
                last = claimed[self.all[slot] as usize].or(last);
            }
        }
        (previous, next)
    }
}

fn statement_children(flat: &Flat) -> Children {
    let mut starts = vec![0u32; flat.nodes.len() + 1];
    for node in flat.nodes.iter().skip(1).filter(|node| is_statement(node.kind)) {
        starts[node.parent as usize + 1] += 1;
    }
    for index in 1..starts.len() {
        starts[index] += starts[index - 1];
    }
    let mut all = vec![0u32; starts[flat.nodes.len()] as usize];
    // Where the next child of each parent goes: its children's place in `all`, filled in order.
    let mut filled = vec![0u32; flat.nodes.len()];
    let mut slot = vec![0u32; flat.nodes.len()];
    for (index, node) in flat.nodes.iter().enumerate().skip(1).filter(|(_, node)| is_statement(node.kind)) {
        let parent = node.parent as usize;
        slot[index] = starts[parent] + filled[parent];
        all[slot[index] as usize] = index32(index);
        filled[parent] += 1;
    }
    Children { starts, all, slot }
}

/// Node indices children first (pre-order indices, each node's subtree right after it).
fn post_order(flat: &Flat) -> impl Iterator<Item = usize> {
    // A node's subtree is contiguous in pre-order; visiting indices in reverse pre-order puts
    // every child (later in pre-order) before its parent.
    (1..flat.nodes.len()).rev()
}

/// A node's index as the flattened trees keep it.
fn index32(index: usize) -> u32 {
    u32::try_from(index).expect("a module of fewer than 2^32 syntax nodes")
}

#[cfg(test)]
mod tests {
    use ruff_diagnostics::Edit;
    use ruff_text_size::{TextRange, TextSize};

    use super::{check, Flat, OffsetMap};
    use crate::edits::Placement;
    use crate::engine::splice;
    use crate::source::parse;

    const HANDLER: &str = "import asyncio\n\n\nasync def f():\n    try:\n        await asyncio.sleep(1)\n    except BaseException as exc:\n        log()\n";

    fn at(text: &str, needle: &str) -> TextSize {
        TextSize::try_from(text.find(needle).unwrap_or_else(|| panic!("{needle:?} not in the text"))).unwrap()
    }

    /// The structural check of `edits` applied to `text`.
    fn verdict(text: &str, edits: &[Edit], placements: &[Placement]) -> Result<(), &'static str> {
        let fixed = splice(text, edits);
        let (before, after) = (parse(text).unwrap(), parse(&fixed).unwrap_or_else(|e| panic!("{fixed}: {e:?}")));
        let map = OffsetMap::new(edits);
        let original = Flat::original(&before, text, edits);
        check(&original, &Flat::fixed(&after, &fixed, &map, &original), &map, edits, placements).map_err(|mismatch| mismatch.what)
    }

    fn guard_after_log(text: &str, indent: &str) -> (Vec<Edit>, Vec<Placement>) {
        let log = at(text, "log()");
        let end = log + TextSize::new(5);
        let edit = Edit::insertion(format!("\n{indent}if isinstance(exc, asyncio.CancelledError):\n{indent}    raise"), end);
        let placement = Placement { at: end, suite_member: Some(log), after: Some(log), before: None, wraps: None };
        (vec![edit], vec![placement])
    }

    #[test]
    fn a_guard_in_its_handler_passes() {
        let (edits, placements) = guard_after_log(HANDLER, "        ");
        assert_eq!(verdict(HANDLER, &edits, &placements), Ok(()));
    }

    #[test]
    fn a_guard_that_lands_at_module_level_is_caught() {
        let (edits, placements) = guard_after_log(HANDLER, "");
        assert_eq!(verdict(HANDLER, &edits, &placements), Err("an inserted statement landed outside the block it was meant for"));
    }

    #[test]
    fn a_guard_one_level_too_shallow_is_caught() {
        let (edits, placements) = guard_after_log(HANDLER, "    ");
        assert!(verdict(HANDLER, &edits, &placements).is_err());
    }

    #[test]
    fn a_statement_without_a_declared_place_is_caught() {
        let (edits, _) = guard_after_log(HANDLER, "        ");
        assert_eq!(verdict(HANDLER, &edits, &[]), Err("a statement was inserted by an edit that declares no place for it"));
    }

    #[test]
    fn an_inserted_block_that_swallows_original_code_is_caught() {
        let text = "async def f():\n    a()\n    b()\n";
        let b = at(text, "b()");
        // `if x:` inserted before `b()` at a's level, with `b()` left deeper: b moves into it.
        let edit = Edit::insertion("if x:\n        ".to_string(), b);
        let placement = Placement { at: b, suite_member: Some(at(text, "a()")), after: None, before: Some(b), wraps: None };
        assert!(verdict(text, &[edit.clone()], &[placement.clone()]).is_err());
        let undeclared = Placement { before: None, ..placement.clone() };
        assert_eq!(verdict(text, &[edit.clone()], &[undeclared]), Err("original code ended up inside an inserted block"));
        // Declared as a wrap of `b()`, the same edit is what the fix meant.
        let wrap = Placement { before: None, wraps: Some(TextRange::new(b, b + TextSize::new(3))), ..placement };
        assert_eq!(verdict(text, &[edit], &[wrap]), Ok(()));
    }

    #[test]
    fn original_code_changed_outside_the_fix_is_caught() {
        let text = "def f():\n    return a + b\n";
        let plus = at(text, "+");
        let edit = Edit::range_replacement("-".to_string(), TextRange::new(plus, plus + TextSize::new(1)));
        assert_eq!(verdict(text, &[edit], &[]), Err("original code changed"));
    }

    #[test]
    fn an_expression_wrapped_around_an_original_one_passes() {
        let text = "import asyncio\n\ndef f():\n    asyncio.create_task(job())\n";
        let call = at(text, "asyncio.create_task");
        let end = at(text, "job())") + TextSize::new(6);
        let edits = vec![Edit::insertion("_track_task(".to_string(), call), Edit::insertion(")".to_string(), end)];
        assert_eq!(verdict(text, &edits, &[]), Ok(()));
    }

    #[test]
    fn an_original_statement_moved_elsewhere_is_caught() {
        let text = "def f():\n    a()\n\n\ndef g():\n    b()\n";
        let a = at(text, "a()");
        let b = at(text, "    b()");
        // `a()` deleted from f and a copy put into g: the original node is gone.
        let edits = vec![
            Edit::range_replacement("pass".to_string(), TextRange::new(a, a + TextSize::new(3))),
            Edit::insertion("    a()\n".to_string(), b),
        ];
        let placements = vec![
            Placement { at: a, suite_member: Some(a), after: None, before: None, wraps: None },
            Placement { at: b, suite_member: Some(b + TextSize::new(4)), after: None, before: Some(b + TextSize::new(4)), wraps: None },
        ];
        // Both new statements sit where declared and `a()`'s place was replaced: allowed.
        assert_eq!(verdict(text, &edits, &placements), Ok(()));
        // Declared for f but landing in g: caught.
        let wrong = vec![placements[0].clone(), Placement { suite_member: Some(a), ..placements[1].clone() }];
        assert!(verdict(text, &edits, &wrong).is_err());
    }
}
