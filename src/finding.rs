//! What a rule reports: the leak, where it is, and the fix it proposes. A leaf: the transforms
//! produce findings, and the engine, noqa, the outputs and the front ends consume them.

use ruff_diagnostics::Fix;
use ruff_text_size::TextRange;

use crate::rules::Rule;

/// A leak found in a module, with the fix the rule proposes (if any).
#[derive(Clone, Debug)]
pub struct Finding {
    pub rule: Rule,
    pub message: String,
    pub range: TextRange,
    pub fix: Option<Fix>,
}
