//! Verifying a fixed text before anything is shown as a fix or written: it must parse, compile
//! under CPython's own rules wherever the text before it did ([`cpython`]), and its tree must
//! be the one before it plus exactly what the fixes meant to add or replace ([`structure`]).
//! Only texts that changed pay for this.

mod cpython;
pub mod offsets;
mod structure;

use std::cell::OnceCell;

use ruff_diagnostics::Edit;
use ruff_text_size::TextSize;

use crate::edits::Placement;
use crate::source::{self, Module, Position};

/// Why a fixed text was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    pub message: String,
    /// Crossing one of CPython's limits is the code's nesting, not a bug in the fix.
    pub is_limit: bool,
}

/// Verifies texts produced from one text by applying edits to it.
pub struct Verifier<'a> {
    text: &'a str,
    module: &'a Module,
    placements: &'a [Placement],
    compile_error: OnceCell<Option<cpython::CompileError>>,
}

impl<'a> Verifier<'a> {
    pub fn new(text: &'a str, module: &'a Module, placements: &'a [Placement]) -> Self {
        Verifier { text, module, placements, compile_error: OnceCell::new() }
    }

    /// `fixed` (the text with `edits` applied), parsed, if it passes every check.
    pub fn verify(&self, fixed: &str, edits: &[Edit]) -> Result<Module, Refusal> {
        let module = source::parse(fixed).map_err(|error| Refusal {
            message: format!("it would produce code that does not parse ({} at {})", error.message, error.position),
            is_limit: false,
        })?;
        if let Some(error) = cpython::compile_error(&module, fixed) {
            let before = self.compile_error.get_or_init(|| cpython::compile_error(self.module, self.text));
            // Code that CPython already refused is not the fix's doing.
            if before.as_ref().is_none_or(|before| before.kind != error.kind) {
                let is_limit = error.is_limit();
                let message = if is_limit {
                    format!("it would cross a limit of CPython's: {} at {} of the fixed code", error.message, position(fixed, error.offset))
                } else {
                    format!("CPython would refuse the fixed code: {} at {}", error.message, position(fixed, error.offset))
                };
                return Err(Refusal { message, is_limit });
            }
        }
        let map = offsets::OffsetMap::new(edits);
        let original = structure::Flat::original(self.module, self.text, edits);
        let fixed_flat = structure::Flat::fixed(&module, fixed, &map, &original);
        if let Err(mismatch) = structure::check(&original, &fixed_flat, &map, edits, self.placements) {
            let place = if mismatch.in_original { position(self.text, mismatch.offset) } else { position(fixed, mismatch.offset) };
            let text = if mismatch.in_original { "of the original" } else { "of the fixed code" };
            return Err(Refusal {
                message: format!("the fixed code's syntax tree is not the original's plus the fix: {} (at {place} {text})", mismatch.what),
                is_limit: false,
            });
        }
        Ok(module)
    }
}

/// What CPython's compiler would refuse in `text` that ruff's parser accepts (its limits,
/// TabError, `global` after a use, `await` outside `async def`), as `message at line:column`;
/// `None` if nothing (a text that does not parse at all is not this function's business).
pub fn cpython_refuses(text: &str) -> Option<String> {
    let module = source::parse(text).ok()?;
    cpython::compile_error(&module, text).map(|error| format!("{} at {}", error.message, position(text, error.offset)))
}

fn position(text: &str, offset: TextSize) -> Position {
    source::position_of(text, offset)
}
