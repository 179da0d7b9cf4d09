//! What the user sees: findings, diffs and the summary, printed per file in path order from
//! reports built in parallel.

pub mod diff;
pub mod text;
