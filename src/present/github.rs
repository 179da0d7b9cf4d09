//! GitHub Actions workflow commands: each finding becomes an annotation on the pull request.
//! <https://docs.github.com/actions/reference/workflow-commands-for-github-actions>

use crate::source::Locations;
use crate::finding::Finding;
use super::Failure;

/// `::error file=…,line=…,col=…,endLine=…,endColumn=…,title=cancelsafe (CS101 name)::path:line:col: CS101 message`
pub fn annotations(path: &str, text: &str, findings: &[Finding]) -> String {
    let locations = Locations::new(text);
    let mut out = String::new();
    for located in super::locate(path, &locations, findings) {
        let code = located.finding.rule.code();
        let (start, end) = (located.start, located.end);
        let place = format!("file={},line={},col={},endLine={},endColumn={}", property(path), start.line, start.column, end.line, end.column);
        out.push_str(&error_command(&place, &format!("cancelsafe ({code} {})", located.finding.rule.name()), &format!("{path}:{start}: {code} {}", located.finding.message)));
    }
    out
}

/// `::error file=…,line=…,col=…,title=cancelsafe (parse error)::path:line:col: message` for
/// each file that could not be read, parsed or written.
pub fn failure_annotations(failures: &[Failure]) -> String {
    let mut out = String::new();
    for failure in failures {
        let (path, start) = (&failure.path, failure.position);
        let place = format!("file={},line={},col={}", property(path), start.line, start.column);
        out.push_str(&error_command(&place, &format!("cancelsafe ({} error)", failure.kind), &format!("{path}:{start}: {}", failure.message)));
    }
    out
}

fn error_command(place: &str, title: &str, message: &str) -> String {
    format!("::error {place},title={}::{}\n", property(title), data(message))
}

/// Escapes a message (`%`, CR, LF), as the runner's parser expects.
fn data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escapes a property value: a message's escapes plus `:` and `,`.
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}
