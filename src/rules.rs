//! The rule table: one line per rule. Each rule's page lives in `transforms/<CODE>-<name>/README.md`
//! and is compiled in, so `--explain` and the published docs print the same text.

use std::fmt;

macro_rules! rules {
    ($($variant:ident => $code:literal, $name:literal, $dir:literal;)*) => {
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
    SwallowedCancellation => "CS101", "swallowed-cancellation", "CS101-swallowed-cancellation";
    BroadExceptSwallowsCancellation => "CS102", "broad-except-swallows-cancellation", "CS102-broad-except-swallows-cancellation";
    ForeignCancelSwallowsOwnCancel => "CS103", "foreign-cancel-swallows-own-cancel", "CS103-foreign-cancel-swallows-own-cancel";
    CancelledTaskAwaitedBare => "CS104", "cancelled-task-awaited-bare", "CS104-cancelled-task-awaited-bare";
    FireAndForgetTask => "CS201", "fire-and-forget-task", "CS201-fire-and-forget-task";
    UnshieldedCleanupAwait => "CS301", "unshielded-cleanup-await", "CS301-unshielded-cleanup-await";
}

/// Where the rule pages are published: `transforms/<CODE>-<name>/README.md` under it. The
/// project has no public address yet; this is the one place to set it.
pub const PAGES_URL: &str = "https://example.invalid/cancelsafe/blob/main/transforms";

impl Rule {
    /// The address of the rule's page (editors link a finding's code to it).
    pub fn url(self) -> String {
        format!("{PAGES_URL}/{}/README.md", self.folder())
    }

    pub fn from_code(code: &str) -> Option<Rule> {
        Rule::ALL.iter().copied().find(|rule| rule.code().eq_ignore_ascii_case(code))
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
