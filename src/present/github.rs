//! GitHub Actions workflow commands: each finding becomes an annotation on the pull request.
//! <https://docs.github.com/actions/reference/workflow-commands-for-github-actions>

use crate::source::Locations;
use crate::finding::Finding;

/// `::error file=…,line=…,col=…,endLine=…,endColumn=…,title=cancelsafe (CS101 name)::path:line:col: CS101 message`
pub fn annotations(path: &str, text: &str, findings: &[Finding]) -> String {
    let locations = Locations::new(text);
    let mut out = String::new();
    for located in super::locate(path, &locations, findings) {
        let code = located.finding.rule.code();
        let (start, end) = (located.start, located.end);
        out.push_str(&format!(
            "::error file={},line={},col={},endLine={},endColumn={},title={}::{}\n",
            property(path),
            start.line,
            start.column,
            end.line,
            end.column,
            property(&format!("cancelsafe ({code} {})", located.finding.rule.name())),
            data(&format!("{path}:{start}: {code} {}", located.finding.message)),
        ));
    }
    out
}

/// Escapes a message (`%`, CR, LF), as the runner's parser expects.
fn data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escapes a property value: a message's escapes plus `:` and `,`.
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}
