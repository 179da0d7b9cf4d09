//! cancelsafe: find asyncio cancellation leaks in Python code and rewrite them.
//!
//! The crate reads as its pipeline: [`discover`] files, [`source`] decoding and parsing,
//! [`transforms`] that match leaks and propose fixes built from the [`edits`] vocabulary
//! (with shared [`analysis`] of names and control flow), the [`engine`] that applies and
//! verifies fixes and writes files, and [`present`] for what the user sees. Two leaves serve
//! every stage: [`finding`] (what a rule reports) and [`paths`] (how a file is named). The binary in
//! `main.rs` only wires [`cli`] to these.

pub mod analysis;
pub mod cli;
pub mod config;
pub mod discover;
pub mod edits;
pub mod engine;
pub mod finding;
pub mod noqa;
pub mod paths;
pub mod present;
pub mod review;
pub mod rules;
pub mod server;
pub mod settings;
pub mod source;
pub mod transforms;
