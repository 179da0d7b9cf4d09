//! Facts about a module that several transforms need: what the names mean, how control leaves
//! a handler, where the suspension points are.

pub mod calls;
pub mod checkpoints;
pub mod cleanup_calls;
pub mod flow;
pub mod names;
pub mod suspension;
pub mod tasks;
