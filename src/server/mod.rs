//! `cancelsafe server`: a Language Server on stdio, one more front end over the engine (as
//! `review/` is). Diagnostics are pushed after open, save and (debounced) changes, or pulled by
//! clients that ask; code actions offer each finding's fix, a `# noqa` for its line, and
//! `source.fixAll.cancelsafe`. JSON-RPC and the message types come from `lsp-server` and
//! `lsp-types`, as in rust-analyzer and ruff.
//!
//! One thread reads messages and keeps every document's text; the rules run on it behind a
//! guard ([`analysis::guarded`]), so a failure on one document is reported and the server goes
//! on. A second thread verifies the fixes of what was published ([`verifier`]).

mod actions;
mod analysis;
mod document;
mod rule_pages;
mod verifier;
mod workspace;

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use crossbeam_channel::select;
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{self as note, Notification as _};
use lsp_types::request::{self as req, Request as _};
use lsp_types::{
    CodeActionKind, CodeActionOptions, CodeActionOrCommand, CodeActionParams, CodeActionProviderCapability, ConfigurationItem,
    ConfigurationParams, DiagnosticOptions, DiagnosticServerCapabilities, DidChangeConfigurationParams,
    DidChangeTextDocumentParams, DidChangeWatchedFilesParams, DidChangeWatchedFilesRegistrationOptions,
    DidChangeWorkspaceFoldersParams, DidCloseTextDocumentParams, DidOpenTextDocumentParams, DidSaveTextDocumentParams,
    DocumentDiagnosticParams, DocumentDiagnosticReport, DocumentDiagnosticReportResult, FileSystemWatcher,
    FullDocumentDiagnosticReport, GlobPattern, InitializeParams, InitializeResult, LogMessageParams, MessageType, OneOf, PublishDiagnosticsParams,
    Registration, RegistrationParams, RelatedFullDocumentDiagnosticReport, RelatedUnchangedDocumentDiagnosticReport,
    SaveOptions, ServerCapabilities, ServerInfo, ShowMessageParams, TextDocumentSyncCapability, TextDocumentSyncKind,
    TextDocumentSyncOptions, TextDocumentSyncSaveOptions, UnchangedDocumentDiagnosticReport, Url, WorkspaceFolder,
    WorkspaceFoldersServerCapabilities, WorkspaceServerCapabilities,
};
use serde_json::Value;

use actions::EditStyle;
use analysis::{Analysis, Verification};
use document::{Document, Encoding};
use rule_pages::RulePages;
use verifier::{Job, Outcome, Verifier};
use workspace::{EditorSettings, Workspace};

/// A change is checked once the editor has been quiet this long, so a burst of keystrokes
/// (or one edit sent as several changes) is checked once, on its last text.
const DEBOUNCE: Duration = Duration::from_millis(5);
/// ...but never later than this after the first change of a burst.
const MAX_DELAY: Duration = Duration::from_millis(100);

/// The main loop's stack: the parser and the rules recurse on deeply nested code, and a stack
/// overflow, unlike a panic, cannot be caught.
const STACK_SIZE: usize = 256 * 1024 * 1024;

/// Runs the server until the client says `exit`. The exit code is 0 after `shutdown`, else 1,
/// as the protocol asks.
pub fn run() -> Result<u8> {
    let (connection, io_threads) = Connection::stdio();
    let code = std::thread::Builder::new()
        .name("cancelsafe-server".to_string())
        .stack_size(STACK_SIZE)
        .spawn(move || serve(connection))
        .context("cannot start the server thread")?
        .join()
        .map_err(|_| anyhow::anyhow!("the server thread panicked"))??;
    io_threads.join().context("the connection to the editor failed")?;
    Ok(code)
}

fn serve(connection: Connection) -> Result<u8> {
    let (id, params) = connection.initialize_start()?;
    let params: InitializeParams = serde_json::from_value(params).unwrap_or_default();
    let verifier = Verifier::start(STACK_SIZE).context("cannot start the verifier thread")?;
    let mut server = Server::new(connection, verifier, &params);
    let result = InitializeResult {
        capabilities: server.capabilities(),
        server_info: Some(ServerInfo { name: "cancelsafe".to_string(), version: Some(env!("CARGO_PKG_VERSION").to_string()) }),
    };
    server.connection.initialize_finish(id, serde_json::to_value(result)?)?;
    server.after_initialized();
    server.run()
}

/// What the client can do, read once from `initialize`.
#[derive(Debug, Default)]
struct ClientCapabilities {
    /// It pulls diagnostics (`textDocument/diagnostic`): then they are not pushed as well, or
    /// the editor would show each twice.
    pulls_diagnostics: bool,
    /// It asks again when told that pulled diagnostics are stale.
    diagnostic_refresh: bool,
    /// It answers `workspace/configuration`.
    configuration: bool,
    /// It takes file watchers registered at run time (for pyproject.toml).
    watched_files: bool,
    versioned_edits: bool,
}

struct Open {
    document: Document,
    path: Option<PathBuf>,
    /// The analysis of `document` at the version it was made for.
    analysis: Option<(i32, Analysis)>,
    /// Names what its diagnostics say (a pull's result id): the job number of the analysis,
    /// or a fresh one when verifying its fixes changed a label.
    said: u64,
}

struct Server {
    connection: Connection,
    encoding: Encoding,
    client: ClientCapabilities,
    documents: HashMap<Url, Open>,
    folders: Vec<PathBuf>,
    /// The editor's settings from `initializationOptions`, and per folder from
    /// `workspace/configuration` (global first).
    initial_settings: EditorSettings,
    configured: Option<(EditorSettings, Vec<EditorSettings>)>,
    workspace: Workspace,
    /// The rule pages diagnostics link, for the `rulePagesUrl` they were made for.
    pages: (Option<String>, RulePages),
    /// Documents changed since their last check: (first change, last change).
    pending: HashMap<Url, (Instant, Instant)>,
    /// Our outstanding `workspace/configuration` request.
    configuration_request: Option<RequestId>,
    next_request: i32,
    shutdown_requested: bool,
    /// Configuration errors already shown, so a bad pyproject.toml is named once, not per keystroke.
    shown_errors: HashSet<String>,
    verifier: Verifier,
    verifier_alive: bool,
    /// The job number of the next analysis made.
    next_analysis: u64,
}

impl Server {
    fn new(connection: Connection, verifier: Verifier, params: &InitializeParams) -> Server {
        let capabilities = &params.capabilities;
        let workspace_caps = capabilities.workspace.as_ref();
        let client = ClientCapabilities {
            pulls_diagnostics: capabilities.text_document.as_ref().is_some_and(|text| text.diagnostic.is_some()),
            diagnostic_refresh: workspace_caps.and_then(|w| w.diagnostic.as_ref()).and_then(|d| d.refresh_support).unwrap_or(false),
            configuration: workspace_caps.and_then(|w| w.configuration).unwrap_or(false),
            watched_files: workspace_caps
                .and_then(|w| w.did_change_watched_files.as_ref())
                .and_then(|w| w.dynamic_registration)
                .unwrap_or(false),
            versioned_edits: workspace_caps.and_then(|w| w.workspace_edit.as_ref()).and_then(|e| e.document_changes).unwrap_or(false),
        };
        let encoding = Encoding::negotiate(capabilities.general.as_ref().and_then(|g| g.position_encodings.as_deref()));
        #[allow(deprecated)]
        let folders: Vec<PathBuf> = match (&params.workspace_folders, &params.root_uri) {
            (Some(folders), _) if !folders.is_empty() => folders.iter().filter_map(|folder| folder.uri.to_file_path().ok()).collect(),
            (_, Some(root)) => root.to_file_path().ok().into_iter().collect(),
            _ => Vec::new(),
        };
        let initial_settings = params.initialization_options.as_ref().map(EditorSettings::from_json).unwrap_or_default();
        let mut server = Server {
            connection,
            encoding,
            client,
            documents: HashMap::new(),
            folders,
            initial_settings,
            configured: None,
            workspace: Workspace::new(&[], &EditorSettings::default(), &PathBuf::new()),
            pages: (None, RulePages::default()),
            pending: HashMap::new(),
            configuration_request: None,
            next_request: 0,
            shutdown_requested: false,
            shown_errors: HashSet::new(),
            verifier,
            verifier_alive: true,
            next_analysis: 0,
        };
        server.rebuild_workspace();
        server.make_rule_pages(true);
        server
    }

    fn capabilities(&self) -> ServerCapabilities {
        ServerCapabilities {
            position_encoding: Some(self.encoding.kind()),
            text_document_sync: Some(TextDocumentSyncCapability::Options(TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions { include_text: Some(false) })),
                ..TextDocumentSyncOptions::default()
            })),
            code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
                code_action_kinds: Some(vec![CodeActionKind::QUICKFIX, actions::fix_all_kind()]),
                ..CodeActionOptions::default()
            })),
            diagnostic_provider: Some(DiagnosticServerCapabilities::Options(DiagnosticOptions {
                identifier: Some(actions::SOURCE.to_string()),
                inter_file_dependencies: false,
                workspace_diagnostics: false,
                ..DiagnosticOptions::default()
            })),
            workspace: Some(WorkspaceServerCapabilities {
                workspace_folders: Some(WorkspaceFoldersServerCapabilities { supported: Some(true), change_notifications: Some(OneOf::Left(true)) }),
                file_operations: None,
            }),
            ..ServerCapabilities::default()
        }
    }

    /// Asks for the editor's settings and for pyproject.toml changes, where the client can.
    fn after_initialized(&mut self) {
        if self.client.watched_files {
            let options = DidChangeWatchedFilesRegistrationOptions {
                watchers: vec![FileSystemWatcher { glob_pattern: GlobPattern::String("**/pyproject.toml".to_string()), kind: None }],
            };
            let registration = Registration {
                id: "cancelsafe-pyproject".to_string(),
                method: note::DidChangeWatchedFiles::METHOD.to_string(),
                register_options: serde_json::to_value(options).ok(),
            };
            self.request(req::RegisterCapability::METHOD, RegistrationParams { registrations: vec![registration] });
        }
        self.request_configuration();
    }

    fn run(&mut self) -> Result<u8> {
        loop {
            let timer = match self.next_deadline() {
                Some(deadline) => crossbeam_channel::at(deadline),
                None => crossbeam_channel::never(),
            };
            // A verifier that went away (it cannot, short of a bug) is not waited for again.
            let outcomes = if self.verifier_alive { self.verifier.outcomes.clone() } else { crossbeam_channel::never() };
            select! {
                recv(self.connection.receiver) -> message => {
                    let Ok(message) = message else { return Ok(1) };
                    if let Message::Notification(notification) = &message {
                        if notification.method == note::Exit::METHOD {
                            return Ok(if self.shutdown_requested { 0 } else { 1 });
                        }
                    }
                    if let Err(panic) = analysis::guarded(|| self.handle(message)) {
                        self.show(MessageType::ERROR, format!("cancelsafe: {panic}"));
                    }
                }
                recv(outcomes) -> outcome => match outcome {
                    Ok(outcome) => {
                        if let Err(panic) = analysis::guarded(|| self.take_verified(outcome)) {
                            self.show(MessageType::ERROR, format!("cancelsafe: {panic}"));
                        }
                    }
                    Err(_) => self.verifier_gone(),
                },
                recv(timer) -> _ => {}
            }
            self.publish_due();
        }
    }

    fn handle(&mut self, message: Message) {
        match message {
            Message::Request(request) => self.handle_request(request),
            Message::Notification(notification) => self.handle_notification(notification),
            Message::Response(response) => self.handle_response(response),
        }
    }

    fn handle_request(&mut self, request: Request) {
        if self.shutdown_requested {
            return self.respond_error(request.id, ErrorCode::InvalidRequest, "the server is shutting down".to_string());
        }
        let id = request.id.clone();
        let outcome = match request.method.as_str() {
            req::Shutdown::METHOD => {
                self.shutdown_requested = true;
                Ok(Value::Null)
            }
            req::CodeActionRequest::METHOD => parse(request).map(|params| self.code_actions(params)),
            req::DocumentDiagnosticRequest::METHOD => parse(request).map(|params| self.pull_diagnostics(params)),
            _ => Err((ErrorCode::MethodNotFound, format!("cancelsafe does not handle `{}`", request.method))),
        };
        match outcome {
            Ok(result) => self.send(Response { id, result: Some(result), error: None }),
            Err((code, message)) => self.respond_error(id, code, message),
        }
    }

    fn handle_notification(&mut self, notification: Notification) {
        match notification.method.as_str() {
            note::DidOpenTextDocument::METHOD => {
                let Ok(params) = notification.extract::<DidOpenTextDocumentParams>(note::DidOpenTextDocument::METHOD) else { return };
                let document = params.text_document;
                let path = document.uri.to_file_path().ok();
                if path.as_ref().is_some_and(|path| path.ends_with("pyproject.toml")) {
                    self.configuration_changed();
                }
                let open = Open { document: Document::new(document.text, document.version), path, analysis: None, said: 0 };
                self.documents.insert(document.uri.clone(), open);
                self.publish(&document.uri);
            }
            note::DidChangeTextDocument::METHOD => {
                let Ok(params) = notification.extract::<DidChangeTextDocumentParams>(note::DidChangeTextDocument::METHOD) else { return };
                let uri = params.text_document.uri;
                let Some(open) = self.documents.get_mut(&uri) else { return };
                open.document.apply(params.content_changes, params.text_document.version, self.encoding);
                let now = Instant::now();
                self.pending.entry(uri).and_modify(|(_, last)| *last = now).or_insert((now, now));
            }
            note::DidSaveTextDocument::METHOD => {
                let Ok(params) = notification.extract::<DidSaveTextDocumentParams>(note::DidSaveTextDocument::METHOD) else { return };
                let uri = params.text_document.uri;
                if uri.path().ends_with("/pyproject.toml") {
                    return self.configuration_changed();
                }
                self.publish(&uri);
            }
            note::DidCloseTextDocument::METHOD => {
                let Ok(params) = notification.extract::<DidCloseTextDocumentParams>(note::DidCloseTextDocument::METHOD) else { return };
                let uri = params.text_document.uri;
                self.documents.remove(&uri);
                self.pending.remove(&uri);
                if !self.client.pulls_diagnostics {
                    self.notify::<note::PublishDiagnostics>(PublishDiagnosticsParams { uri, diagnostics: Vec::new(), version: None });
                }
            }
            note::DidChangeConfiguration::METHOD => {
                let Ok(params) = notification.extract::<DidChangeConfigurationParams>(note::DidChangeConfiguration::METHOD) else { return };
                if self.client.configuration {
                    self.request_configuration();
                } else if !params.settings.is_null() {
                    let settings = EditorSettings::from_json(&params.settings);
                    self.configured = Some((settings, Vec::new()));
                    self.configuration_changed();
                }
            }
            note::DidChangeWorkspaceFolders::METHOD => {
                let Ok(params) = notification.extract::<DidChangeWorkspaceFoldersParams>(note::DidChangeWorkspaceFolders::METHOD) else { return };
                let paths = |folders: &[WorkspaceFolder]| -> Vec<PathBuf> { folders.iter().filter_map(|f| f.uri.to_file_path().ok()).collect() };
                let removed = paths(&params.event.removed);
                self.folders.retain(|folder| !removed.contains(folder));
                self.folders.extend(paths(&params.event.added));
                self.configured = None;
                self.request_configuration();
                self.configuration_changed();
            }
            note::DidChangeWatchedFiles::METHOD => {
                if notification.extract::<DidChangeWatchedFilesParams>(note::DidChangeWatchedFiles::METHOD).is_ok() {
                    self.configuration_changed();
                }
            }
            _ => {}
        }
    }

    fn handle_response(&mut self, response: Response) {
        if self.configuration_request.as_ref() != Some(&response.id) {
            return;
        }
        self.configuration_request = None;
        let Some(Value::Array(items)) = response.result else { return };
        let mut items = items.iter().map(EditorSettings::from_json);
        let global = items.next().unwrap_or_default();
        self.configured = Some((global, items.collect()));
        self.configuration_changed();
    }

    /// Settings or a configuration file changed: every open document is checked again.
    fn configuration_changed(&mut self) {
        self.rebuild_workspace();
        self.shown_errors.clear();
        for open in self.documents.values_mut() {
            open.analysis = None;
        }
        if self.client.pulls_diagnostics {
            if self.client.diagnostic_refresh {
                self.request(req::WorkspaceDiagnosticRefresh::METHOD, ());
            }
            return;
        }
        let uris: Vec<Url> = self.documents.keys().cloned().collect();
        for uri in uris {
            self.publish(&uri);
        }
    }

    fn rebuild_workspace(&mut self) {
        let (global, per_folder) = match &self.configured {
            Some((global, per_folder)) => (self.initial_settings.under(global), per_folder.clone()),
            None => (self.initial_settings.clone(), Vec::new()),
        };
        let folders: Vec<(PathBuf, EditorSettings)> = self
            .folders
            .iter()
            .enumerate()
            .map(|(index, folder)| (folder.clone(), per_folder.get(index).map_or_else(|| global.clone(), |own| global.under(own))))
            .collect();
        let cwd = std::env::current_dir().unwrap_or_default();
        self.workspace = Workspace::new(&folders, &global, &cwd);
        self.make_rule_pages(false);
    }

    /// Makes the rule pages' links again if `rulePagesUrl` changed (or `first`), telling the
    /// client's log when some page gets no link.
    fn make_rule_pages(&mut self, first: bool) {
        let setting = match &self.configured {
            Some((global, _)) => self.initial_settings.under(global).rule_pages_url,
            None => self.initial_settings.rule_pages_url.clone(),
        };
        if !first && setting == self.pages.0 {
            return;
        }
        let (pages, problem) = RulePages::new(setting.as_deref());
        self.pages = (setting, pages);
        if let Some(message) = problem {
            eprintln!("{message}");
            self.notify::<note::LogMessage>(LogMessageParams { typ: MessageType::WARNING, message });
        }
    }

    fn request_configuration(&mut self) {
        if !self.client.configuration {
            return;
        }
        let section = Some(actions::SOURCE.to_string());
        let mut items = vec![ConfigurationItem { scope_uri: None, section: section.clone() }];
        items.extend(self.folders.iter().map(|folder| ConfigurationItem { scope_uri: Url::from_directory_path(folder).ok(), section: section.clone() }));
        let id = self.request(req::WorkspaceConfiguration::METHOD, ConfigurationParams { items });
        self.configuration_request = Some(id);
    }

    /// The analysis of a document's current text, made now if it is stale; its fixes go to the
    /// verifier.
    fn analysis(&mut self, uri: &Url) -> Option<&Open> {
        let open = self.documents.get_mut(uri)?;
        let version = open.document.version;
        if open.analysis.as_ref().is_none_or(|(made_for, _)| *made_for != version) {
            let job = self.next_analysis;
            self.next_analysis += 1;
            let (analysis, found) = analysis::analyze(&open.document.text, open.path.as_deref(), &self.workspace, job);
            open.analysis = Some((version, analysis));
            open.said = job;
            if let Some(found) = found {
                self.verifier.submit(Job { uri: uri.clone(), analysis: job, found });
            }
        }
        self.show_failure(uri);
        self.documents.get(uri)
    }

    /// The analysis of a document's current text with its fixes verified: what a fix is
    /// offered from. Waits for the verifier if it has not finished.
    fn verified_analysis(&mut self, uri: &Url) -> Option<&Open> {
        self.analysis(uri)?;
        while let Some((_, Analysis::Checked { verification: Verification::Pending(_), .. })) = self.documents.get(uri).map(|open| &open.analysis).and_then(Option::as_ref) {
            if !self.verifier_alive {
                return None;
            }
            match self.verifier.outcomes.recv() {
                Ok(outcome) => self.take_verified(outcome),
                Err(_) => self.verifier_gone(),
            }
        }
        self.documents.get(uri)
    }

    fn verifier_gone(&mut self) {
        self.verifier_alive = false;
        self.show(MessageType::ERROR, "cancelsafe: the fix verifier stopped; quick fixes are off until the server restarts — please report this".to_string());
    }

    /// Shows (once) why a document has no findings, if that is a bad setting or a bug.
    fn show_failure(&mut self, uri: &Url) {
        let Some(open) = self.documents.get(uri) else { return };
        if let Some((_, Analysis::BadConfiguration(message) | Analysis::Failed(message))) = &open.analysis {
            let message = match &open.path {
                Some(path) => format!("cancelsafe: {}: {message}", crate::paths::display(path)),
                None => format!("cancelsafe: {message}"),
            };
            if self.shown_errors.insert(message.clone()) {
                self.show(MessageType::ERROR, message);
            }
        }
    }

    /// The verifier's result for an analysis: it replaces the findings if that analysis is
    /// still the document's, and the diagnostics go out again if one of them changed.
    fn take_verified(&mut self, outcome: Outcome) {
        let Some(open) = self.documents.get_mut(&outcome.uri) else { return };
        let Some((_, analysis)) = &mut open.analysis else { return };
        let Analysis::Checked { findings, verification, .. } = analysis else { return };
        if *verification != Verification::Pending(outcome.analysis) {
            return;
        }
        let verified = match outcome.findings {
            Ok(verified) => verified,
            Err(panic) => {
                *analysis = Analysis::Failed(panic);
                self.show_failure(&outcome.uri);
                return self.republish(&outcome.uri);
            }
        };
        let (encoding, pages) = (self.encoding, &self.pages.1);
        let changed = findings.len() != verified.len()
            || findings.iter().zip(&verified).any(|(before, after)| {
                actions::diagnostic(&open.document, before, encoding, pages) != actions::diagnostic(&open.document, after, encoding, pages)
            });
        *findings = verified;
        *verification = Verification::Done;
        if changed {
            open.said = self.next_analysis;
            self.next_analysis += 1;
            self.republish(&outcome.uri);
        }
    }

    /// Diagnostics already sent for a document are out of date: pushed again, or the client
    /// that pulls them is asked to.
    fn republish(&mut self, uri: &Url) {
        if !self.client.pulls_diagnostics {
            self.publish(uri);
        } else if self.client.diagnostic_refresh {
            self.request(req::WorkspaceDiagnosticRefresh::METHOD, ());
        }
    }

    fn diagnostics(&mut self, uri: &Url) -> Option<(i32, Vec<lsp_types::Diagnostic>)> {
        let encoding = self.encoding;
        self.analysis(uri)?;
        let open = self.documents.get(uri)?;
        let pages = &self.pages.1;
        let diagnostics = match &open.analysis {
            Some((_, Analysis::Checked { findings, .. })) => {
                findings.iter().map(|finding| actions::diagnostic(&open.document, finding, encoding, pages)).collect()
            }
            _ => Vec::new(),
        };
        Some((open.document.version, diagnostics))
    }

    /// Pushes a document's diagnostics (unless the client pulls them).
    fn publish(&mut self, uri: &Url) {
        self.pending.remove(uri);
        if self.client.pulls_diagnostics {
            return;
        }
        if let Some((version, diagnostics)) = self.diagnostics(uri) {
            self.notify::<note::PublishDiagnostics>(PublishDiagnosticsParams { uri: uri.clone(), diagnostics, version: Some(version) });
        }
    }

    fn next_deadline(&self) -> Option<Instant> {
        self.pending.values().map(|(first, last)| (*last + DEBOUNCE).min(*first + MAX_DELAY)).min()
    }

    fn publish_due(&mut self) {
        let now = Instant::now();
        let due: Vec<Url> =
            self.pending.iter().filter(|(_, (first, last))| (*last + DEBOUNCE).min(*first + MAX_DELAY) <= now).map(|(uri, _)| uri.clone()).collect();
        for uri in due {
            if let Err(panic) = analysis::guarded(|| self.publish(&uri)) {
                self.pending.remove(&uri);
                self.show(MessageType::ERROR, format!("cancelsafe: {panic}"));
            }
        }
    }

    fn pull_diagnostics(&mut self, params: DocumentDiagnosticParams) -> Value {
        let uri = params.text_document.uri;
        self.pending.remove(&uri);
        let (_, items) = self.diagnostics(&uri).unwrap_or_default();
        let result_id = self.documents.get(&uri).map(|open| open.said.to_string());
        let report = if result_id.is_some() && params.previous_result_id == result_id {
            DocumentDiagnosticReport::Unchanged(RelatedUnchangedDocumentDiagnosticReport {
                related_documents: None,
                unchanged_document_diagnostic_report: UnchangedDocumentDiagnosticReport { result_id: result_id.unwrap_or_default() },
            })
        } else {
            DocumentDiagnosticReport::Full(RelatedFullDocumentDiagnosticReport {
                related_documents: None,
                full_document_diagnostic_report: FullDocumentDiagnosticReport { result_id, items },
            })
        };
        serde_json::to_value(DocumentDiagnosticReportResult::Report(report)).unwrap_or_default()
    }

    fn code_actions(&mut self, params: CodeActionParams) -> Value {
        let uri = params.text_document.uri;
        let (encoding, style) = (self.encoding, EditStyle { versioned: self.client.versioned_edits });
        if self.verified_analysis(&uri).is_none() {
            return Value::Null;
        }
        let Some(open) = self.documents.get(&uri) else { return Value::Null };
        let Some((_, Analysis::Checked { settings, findings, .. })) = &open.analysis else { return Value::Array(Vec::new()) };
        let request = actions::Request {
            uri: &uri,
            document: &open.document,
            path: open.path.as_deref(),
            encoding,
            pages: &self.pages.1,
            style,
            range: params.range,
            diagnostics: &params.context.diagnostics,
            only: params.context.only.as_deref(),
        };
        let actions: Vec<CodeActionOrCommand> =
            actions::code_actions(&request, settings, findings).into_iter().map(CodeActionOrCommand::CodeAction).collect();
        serde_json::to_value(actions).unwrap_or_default()
    }

    fn send(&self, message: impl Into<Message>) {
        // A client that went away ends the loop on its own (the reader disconnects).
        let _ = self.connection.sender.send(message.into());
    }

    fn notify<N: note::Notification>(&self, params: N::Params) {
        self.send(Notification::new(N::METHOD.to_string(), params));
    }

    fn request(&mut self, method: &str, params: impl serde::Serialize) -> RequestId {
        self.next_request += 1;
        let id = RequestId::from(format!("cancelsafe-{}", self.next_request));
        self.send(Request::new(id.clone(), method.to_string(), params));
        id
    }

    fn respond_error(&self, id: RequestId, code: ErrorCode, message: String) {
        self.send(Response::new_err(id, code as i32, message));
    }

    fn show(&self, typ: MessageType, message: String) {
        eprintln!("{message}");
        self.notify::<note::ShowMessage>(ShowMessageParams { typ, message });
    }
}

fn parse<P: serde::de::DeserializeOwned>(request: Request) -> Result<P, (ErrorCode, String)> {
    serde_json::from_value(request.params).map_err(|error| (ErrorCode::InvalidParams, format!("invalid parameters for `{}`: {error}", request.method)))
}

