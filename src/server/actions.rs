//! Findings as the editor shows them: diagnostics, and the code actions that go with them (a
//! quick fix per fixable finding, "disable for this line", and `source.fixAll.cancelsafe`).
//! Every edit comes from the engine, computed on the exact text the editor holds.

use std::collections::HashMap;
use std::path::Path;

use lsp_types::{
    CodeAction, CodeActionKind, CodeDescription, Diagnostic, DiagnosticSeverity, DocumentChanges, NumberOrString, OneOf,
    OptionalVersionedTextDocumentIdentifier, Range, TextDocumentEdit, TextEdit, Url, WorkspaceEdit,
};
use ruff_diagnostics::{Applicability, Edit};
use ruff_text_size::{Ranged, TextRange, TextSize};

use super::analysis::{self, body, in_text};
use super::document::{Document, Encoding};
use super::rule_pages::RulePages;
use crate::analysis::project::Project;
use crate::engine;
use crate::finding::Finding;
use crate::settings::Settings;

pub const SOURCE: &str = "cancelsafe";

/// The kind of the fix-all action, as editors name it in their fix-on-save settings.
pub fn fix_all_kind() -> CodeActionKind {
    CodeActionKind::new("source.fixAll.cancelsafe")
}

/// A finding as a diagnostic, its range in the whole text.
pub fn diagnostic(document: &Document, finding: &Finding, encoding: Encoding, pages: &RulePages) -> Diagnostic {
    let (_, start) = body(&document.text);
    Diagnostic {
        range: document.range(in_text(finding.range, start), encoding),
        severity: Some(DiagnosticSeverity::WARNING),
        code: Some(NumberOrString::String(finding.rule.code().to_string())),
        code_description: pages.link(finding.rule).map(|href| CodeDescription { href: href.clone() }),
        source: Some(SOURCE.to_string()),
        message: format!("{} ({})", finding.message, finding.fix_label()),
        ..Diagnostic::default()
    }
}

/// How edits reach the client: versioned document changes where it supports them (an edit
/// meant for an older text is then refused), else the plain map.
#[derive(Clone, Copy, Debug)]
pub struct EditStyle {
    pub versioned: bool,
}

/// What a code action request asks for.
pub struct Request<'a> {
    pub uri: &'a Url,
    pub document: &'a Document,
    /// The document's file, whose project's modules the rules may read.
    pub path: Option<&'a Path>,
    pub encoding: Encoding,
    pub pages: &'a RulePages,
    pub style: EditStyle,
    pub range: Range,
    /// The diagnostics the client sent along (the ones under the cursor).
    pub diagnostics: &'a [Diagnostic],
    /// `context.only`: the kinds wanted; `None`: any.
    pub only: Option<&'a [CodeActionKind]>,
}

impl Request<'_> {
    fn project(&self) -> Project {
        self.path.map_or_else(Project::default, Project::of)
    }

    fn wants(&self, kind: &CodeActionKind) -> bool {
        let Some(only) = self.only else { return true };
        only.iter().any(|wanted| {
            let wanted = wanted.as_str();
            kind.as_str() == wanted || kind.as_str().strip_prefix(wanted).is_some_and(|rest| rest.starts_with('.'))
        })
    }

    fn edit(&self, edits: &[Edit], start: TextSize) -> WorkspaceEdit {
        let text_edits: Vec<TextEdit> = edits
            .iter()
            .map(|edit| TextEdit {
                range: self.document.range(in_text(edit.range(), start), self.encoding),
                new_text: edit.content().unwrap_or_default().to_string(),
            })
            .collect();
        if self.style.versioned {
            let identifier = OptionalVersionedTextDocumentIdentifier { uri: self.uri.clone(), version: Some(self.document.version) };
            let change = TextDocumentEdit { text_document: identifier, edits: text_edits.into_iter().map(OneOf::Left).collect() };
            WorkspaceEdit { document_changes: Some(DocumentChanges::Edits(vec![change])), ..WorkspaceEdit::default() }
        } else {
            WorkspaceEdit { changes: Some(HashMap::from([(self.uri.clone(), text_edits)])), ..WorkspaceEdit::default() }
        }
    }
}

/// The code actions for `findings` (those of the document's current text) in the request.
pub fn code_actions(request: &Request, settings: &Settings, findings: &[Finding]) -> Vec<CodeAction> {
    let (body, start) = body(&request.document.text);
    let mut actions = Vec::new();
    if request.wants(&CodeActionKind::QUICKFIX) {
        let asked: Vec<&Finding> = findings.iter().filter(|finding| is_asked(request, finding, start)).collect();
        for finding in &asked {
            let diagnostic = diagnostic(request.document, finding, request.encoding, request.pages);
            actions.extend(quick_fix(request, body, start, finding, settings, &diagnostic));
        }
        for finding in &asked {
            let diagnostic = diagnostic(request.document, finding, request.encoding, request.pages);
            actions.extend(disable_for_line(request, (body, start), finding, findings, settings, &diagnostic));
        }
    }
    let kind = fix_all_kind();
    if request.wants(&kind) && findings.iter().any(|finding| finding.fix.is_some()) {
        if let Some(fixed) = analysis::fix_all(body, settings, &request.project()) {
            let edits = line_edits(body, &fixed);
            actions.push(CodeAction {
                title: "cancelsafe: fix all".to_string(),
                kind: Some(kind),
                edit: Some(request.edit(&edits, start)),
                ..CodeAction::default()
            });
        }
    }
    actions
}

/// Is the finding under the requested range, or one of the diagnostics sent along?
fn is_asked(request: &Request, finding: &Finding, start: TextSize) -> bool {
    let range = request.document.range(in_text(finding.range, start), request.encoding);
    let overlaps = range.start <= request.range.end && request.range.start <= range.end;
    let code = finding.rule.code();
    overlaps
        || request.diagnostics.iter().any(|diagnostic| {
            diagnostic.range == range && matches!(&diagnostic.code, Some(NumberOrString::String(c)) if c == code)
        })
}

/// The finding's own fix, as the engine applies it to this text (its result must parse).
fn quick_fix(request: &Request, body: &str, start: TextSize, finding: &Finding, settings: &Settings, diagnostic: &Diagnostic) -> Option<CodeAction> {
    let fix = finding.fix.as_ref()?;
    let applicability = fix.applicability();
    if applicability == Applicability::DisplayOnly {
        return None;
    }
    let revision = analysis::guarded(|| engine::apply_chosen(body, std::slice::from_ref(finding), settings, &request.project())).ok()?.ok()?;
    if revision.edits.is_empty() {
        return None;
    }
    let rule = finding.rule;
    let title = match applicability {
        Applicability::Safe => format!("cancelsafe: fix {rule} ({})", rule.name()),
        _ => format!("cancelsafe: fix {rule} ({}) — unsafe: {}", rule.name(), finding.reason.as_deref().unwrap_or("the rule could not prove it safe")),
    };
    Some(CodeAction {
        title,
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![diagnostic.clone()]),
        edit: Some(request.edit(&revision.edits, start)),
        is_preferred: Some(applicability == Applicability::Safe),
        ..CodeAction::default()
    })
}

/// `# noqa: CODE` on the finding's line, offered only when the engine agrees that it
/// suppresses the finding and the text still parses.
fn disable_for_line(
    request: &Request,
    (body, start): (&str, TextSize),
    finding: &Finding,
    findings: &[Finding],
    settings: &Settings,
    diagnostic: &Diagnostic,
) -> Option<CodeAction> {
    let edit = crate::noqa::suppression_edit(body, finding)?;
    let suppressed = engine::splice(body, std::slice::from_ref(&edit));
    let remaining = analysis::guarded(|| engine::check_source(&suppressed, settings, &request.project(), None)).ok()?.ok()?.findings;
    let count = |findings: &[Finding]| findings.iter().filter(|other| other.rule == finding.rule).count();
    if count(&remaining) >= count(findings) {
        return None;
    }
    Some(CodeAction {
        title: format!("cancelsafe: disable {} for this line", finding.rule),
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![diagnostic.clone()]),
        edit: Some(request.edit(&[edit], start)),
        ..CodeAction::default()
    })
}

/// The changes from `old` to `new` as edits of whole lines, so the editor keeps its cursor and
/// folds outside them.
pub fn line_edits(old: &str, new: &str) -> Vec<Edit> {
    let diff = similar::TextDiff::from_lines(old, new);
    let offsets = |lines: &[&str]| {
        let mut offsets = Vec::with_capacity(lines.len() + 1);
        let mut at = 0;
        offsets.push(0);
        for line in lines {
            at += line.len();
            offsets.push(at);
        }
        offsets
    };
    let (old_offsets, new_offsets) = (offsets(diff.old_slices()), offsets(diff.new_slices()));
    let size = |offset: usize| TextSize::try_from(offset).unwrap_or_default();
    diff.ops()
        .iter()
        .filter(|op| op.tag() != similar::DiffTag::Equal)
        .map(|op| {
            let (old_lines, new_lines) = (op.old_range(), op.new_range());
            let range = TextRange::new(size(old_offsets[old_lines.start]), size(old_offsets[old_lines.end]));
            Edit::range_replacement(new[new_offsets[new_lines.start]..new_offsets[new_lines.end]].to_string(), range)
        })
        .collect()
}
