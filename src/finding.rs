//! What a rule reports: the leak, where it is, the fix it proposes and why that fix is unsafe
//! or missing. A leaf: the transforms produce findings; the engine, noqa, the outputs and the
//! front ends consume them.

use ruff_diagnostics::{Applicability, Fix};
use ruff_text_size::TextRange;

use crate::rules::Rule;

/// A leak found in a module, with the fix the rule proposes (if any).
#[derive(Clone, Debug)]
pub struct Finding {
    pub rule: Rule,
    pub message: String,
    pub range: TextRange,
    pub fix: Option<Fix>,
    /// Why the fix is unsafe (when it is), or why there is no fix (when there is none); `None`
    /// for a safe fix. Every output that shows the fix shows this too, so a reviewer knows
    /// exactly what to look at.
    pub reason: Option<String>,
}

impl Finding {
    /// The fix's label with its reason: `safe fix`, `unsafe fix: <reason>`, `no fix: <reason>`.
    pub fn fix_label(&self) -> String {
        let kind = match &self.fix {
            Some(fix) if fix.applicability() == Applicability::Safe => "safe fix",
            Some(_) => "unsafe fix",
            None => "no fix",
        };
        match &self.reason {
            Some(reason) => format!("{kind}: {reason}"),
            None => kind.to_string(),
        }
    }
}

/// A rule's verdict on one of its fixes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Safety {
    /// Only the path on which this task was cancelled changes.
    Safe,
    /// The fix may change a path on which this task was not cancelled, for this reason.
    Unsafe(String),
}

impl Safety {
    pub fn unsafe_because(reason: impl Into<String>) -> Self {
        Safety::Unsafe(reason.into())
    }

    pub fn applicability(&self) -> Applicability {
        match self {
            Safety::Safe => Applicability::Safe,
            Safety::Unsafe(_) => Applicability::Unsafe,
        }
    }

    /// The reason a [`Finding`] carries for a fix with this verdict.
    pub fn into_reason(self) -> Option<String> {
        match self {
            Safety::Safe => None,
            Safety::Unsafe(reason) => Some(reason),
        }
    }

    /// Both verdicts: unsafe if either is, with every reason.
    pub fn and(self, other: Safety) -> Safety {
        match (self, other) {
            (Safety::Safe, other) | (other, Safety::Safe) => other,
            (Safety::Unsafe(a), Safety::Unsafe(b)) if a == b => Safety::Unsafe(a),
            (Safety::Unsafe(a), Safety::Unsafe(b)) => Safety::Unsafe(format!("{a}; {b}")),
        }
    }
}
