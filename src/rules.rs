//! The rule table: one line per rule. Each rule's page lives in `transforms/<CODE>-<name>/README.md`
//! and is compiled in, so `--explain` and the published docs print the same text.

use std::fmt;

macro_rules! rules {
    ($($variant:ident => $code:literal, $name:literal, $fix:literal, $dir:literal;)*) => {
        /// A rule cancelsafe knows.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Rule { $($variant,)* }

        impl Rule {
            pub const ALL: &'static [Rule] = &[$(Rule::$variant,)*];

            pub const fn code(self) -> &'static str {
                match self { $(Rule::$variant => $code,)* }
            }

            pub const fn name(self) -> &'static str {
                match self { $(Rule::$variant => $name,)* }
            }

            /// The fixes it proposes, in a few words (the page's "Fix safety" says more):
            /// `safe`, `unsafe`, `safe or unsafe` by case, `py311+` when older targets get none,
            /// `unsafe < py311` when older targets get an unsafe one.
            pub const fn fixes(self) -> &'static str {
                match self { $(Rule::$variant => $fix,)* }
            }

            /// The rule's page (Markdown), as `--explain` prints it.
            pub const fn page(self) -> &'static str {
                match self { $(Rule::$variant => include_str!(concat!("../transforms/", $dir, "/README.md")),)* }
            }

            /// The folder under `transforms/` holding the page and the cases.
            pub const fn folder(self) -> &'static str {
                match self { $(Rule::$variant => $dir,)* }
            }
        }
    };
}

rules! {
    SwallowedCancellation => "CS101", "swallowed-cancellation", "safe or unsafe", "CS101-swallowed-cancellation";
    BroadExceptSwallowsCancellation => "CS102", "broad-except-swallows-cancellation", "safe or unsafe", "CS102-broad-except-swallows-cancellation";
    ForeignCancelSwallowsOwnCancel => "CS103", "foreign-cancel-swallows-own-cancel", "safe or unsafe, py311+", "CS103-foreign-cancel-swallows-own-cancel";
    CancelledTaskAwaitedBare => "CS104", "cancelled-task-awaited-bare", "safe, py311+", "CS104-cancelled-task-awaited-bare";
    AsyncKeyboardInterruptHandler => "CS105", "async-keyboard-interrupt-handler", "safe or unsafe", "CS105-async-keyboard-interrupt-handler";
    FireAndForgetTask => "CS201", "fire-and-forget-task", "safe", "CS201-fire-and-forget-task";
    CancelledTaskNeverAwaited => "CS202", "cancelled-task-never-awaited", "unsafe", "CS202-cancelled-task-never-awaited";
    UnshieldedCleanupAwait => "CS301", "unshielded-cleanup-await", "safe, unsafe < py311", "CS301-unshielded-cleanup-await";
    YieldInsideCancelScope => "CS401", "yield-inside-cancel-scope", "safe", "CS401-yield-inside-cancel-scope";
}

impl Rule {
    pub fn from_code(code: &str) -> Option<Rule> {
        Rule::ALL.iter().copied().find(|rule| rule.code().eq_ignore_ascii_case(code))
    }

    /// The rule with this code or this name (`CS101`, `swallowed-cancellation`).
    pub fn from_code_or_name(text: &str) -> Option<Rule> {
        Rule::from_code(text).or_else(|| Rule::ALL.iter().copied().find(|rule| rule.name().eq_ignore_ascii_case(text)))
    }

    /// The code or name closest to a misspelt one, if one is close.
    pub fn closest(text: &str) -> Option<&'static str> {
        let candidates = Rule::ALL.iter().flat_map(|rule| [rule.code(), rule.name()]);
        crate::config::closest(text, candidates)
    }

    /// `CS101 (swallowed-cancellation), CS102 (…), …`: for error messages.
    pub fn known() -> String {
        Rule::ALL.iter().map(|rule| format!("{} ({})", rule.code(), rule.name())).collect::<Vec<_>>().join(", ")
    }

    /// The one-line summary: the first sentence under "What it does".
    pub fn summary(self) -> String {
        let paragraph = self.section("What it does").split("\n\n").next().unwrap_or("");
        let joined = paragraph.split_whitespace().collect::<Vec<_>>().join(" ");
        match joined.find(". ") {
            Some(end) => joined[..=end].to_string(),
            None => joined,
        }
    }

    /// The text of a `## Title` section of the rule's page (`""` if it has none).
    pub fn section(self, title: &str) -> &'static str {
        let page = self.page();
        let Some(start) = page.find(&format!("## {title}")) else { return "" };
        let body = page[start..].split_once('\n').map_or("", |(_, body)| body);
        body.find("\n## ").map_or(body, |end| &body[..end]).trim()
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}
