//! Facts about a module that several transforms need: what the names mean, how control leaves
//! a handler, where the suspension points are.

pub mod calls;
pub mod checkpoints;
pub mod cleanup_calls;
pub mod flow;
pub mod names;
pub mod project;
pub mod suspension;
pub mod tasks;

use ruff_python_ast::Stmt;
use ruff_text_size::{Ranged, TextRange};

/// Whether one of `stmts` (in source order, as a suite's are) holds `range`: a binary search,
/// since one function may hold thousands of statements, each asked about.
pub fn holds(stmts: &[Stmt], range: TextRange) -> bool {
    let at = stmts.partition_point(|s| s.end() < range.end());
    stmts.get(at).is_some_and(|s| s.range().contains_range(range))
}
