//! `cancelsafe server` driven over stdio by a client written here: the real binary, real
//! JSON-RPC framing, and the edits it sends applied to the text the way an editor applies them.
//! The findings and fixes must be the command line's for the same file and configuration.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use common::*;
use serde_json::{json, Value};

const WAIT: Duration = Duration::from_secs(20);

/// The cache folder of a test's server (`XDG_CACHE_HOME`), in its project folder: a name that
/// its `file://` URI must percent-encode.
const CACHE: &str = "cache dir é#1";

/// A language client: writes framed messages to the server, reads its messages on a thread.
struct Client {
    child: Child,
    stdin: Option<ChildStdin>,
    messages: Receiver<Value>,
    /// Messages read while waiting for another one.
    backlog: Vec<Value>,
    next_id: i64,
}

impl Client {
    fn start(dir: &Path, cache: &Path) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_cancelsafe"))
            .arg("server")
            .current_dir(dir)
            .env("XDG_CACHE_HOME", cache)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("cannot start cancelsafe server");
        let stdout = child.stdout.take().unwrap();
        let (sender, messages) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                let mut length = None;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(value) = line.strip_prefix("Content-Length: ") {
                        length = value.parse::<usize>().ok();
                    }
                }
                let mut body = vec![0; length.expect("a message without Content-Length")];
                reader.read_exact(&mut body).unwrap();
                if sender.send(serde_json::from_slice(&body).expect("a message that is not JSON")).is_err() {
                    return;
                }
            }
        });
        let stdin = child.stdin.take();
        Client { child, stdin, messages, backlog: Vec::new(), next_id: 0 }
    }

    /// Starts the server in `dir` (its workspace folder) and initializes it.
    fn initialized(dir: &Path, capabilities: Value, options: Value) -> (Client, Value) {
        Client::initialized_with_cache(dir, &dir.join(CACHE), capabilities, options)
    }

    fn initialized_with_cache(dir: &Path, cache: &Path, capabilities: Value, options: Value) -> (Client, Value) {
        let mut client = Client::start(dir, cache);
        let root = url(dir);
        let result = client.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": root,
                "workspaceFolders": [{"uri": root, "name": "project"}],
                "capabilities": capabilities,
                "initializationOptions": options,
            }),
        );
        client.notify("initialized", json!({}));
        (client, result)
    }

    fn send(&mut self, message: Value) {
        let body = message.to_string();
        let stdin = self.stdin.as_mut().expect("stdin already closed");
        write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request and waits for its response; returns `result` (panics on an error).
    fn request(&mut self, method: &str, params: Value) -> Value {
        let response = self.request_raw(method, params);
        assert!(response.get("error").is_none(), "{method} failed: {response}");
        response["result"].clone()
    }

    fn request_raw(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        self.wait_for(|message| message["id"] == json!(id) && message.get("method").is_none())
    }

    /// The first message (read now or earlier) that `matches`.
    fn wait_for(&mut self, matches: impl Fn(&Value) -> bool) -> Value {
        if let Some(index) = self.backlog.iter().position(&matches) {
            return self.backlog.remove(index);
        }
        let deadline = Instant::now() + WAIT;
        loop {
            match self.messages.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
                Ok(message) if matches(&message) => return message,
                Ok(message) => self.backlog.push(message),
                Err(RecvTimeoutError::Timeout) => panic!("no matching message from the server; got {:#?}", self.backlog),
                Err(RecvTimeoutError::Disconnected) => panic!("the server went away; got {:#?}", self.backlog),
            }
        }
    }

    /// The diagnostics published for `uri` at `version`.
    fn diagnostics(&mut self, uri: &str, version: i64) -> Vec<Value> {
        let message = self.wait_for(|message| {
            message["method"] == "textDocument/publishDiagnostics" && message["params"]["uri"] == uri && message["params"]["version"] == version
        });
        message["params"]["diagnostics"].as_array().unwrap().clone()
    }

    fn open(&mut self, uri: &str, text: &str) {
        self.notify("textDocument/didOpen", json!({"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}}));
    }

    fn code_actions(&mut self, uri: &str, range: Value, only: Option<&[&str]>) -> Vec<Value> {
        let mut context = json!({"diagnostics": []});
        if let Some(only) = only {
            context["only"] = json!(only);
        }
        let result = self.request("textDocument/codeAction", json!({"textDocument": {"uri": uri}, "range": range, "context": context}));
        result.as_array().cloned().unwrap_or_default()
    }

    /// Shuts the server down and returns its exit code.
    fn shutdown(mut self) -> i32 {
        self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        self.wait_exit()
    }

    fn wait_exit(&mut self) -> i32 {
        self.stdin = None;
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code().expect("killed by a signal");
            }
            assert!(Instant::now() < deadline, "the server did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn url(path: &Path) -> String {
    format!("file://{}", path.display())
}

/// Byte offset of an LSP position, counting `character` in UTF-16 units (or bytes).
fn offset(text: &str, position: &Value, utf8: bool) -> usize {
    let (line, character) = (position["line"].as_u64().unwrap() as usize, position["character"].as_u64().unwrap() as usize);
    let mut start = 0;
    for _ in 0..line {
        start += text[start..].find('\n').map_or(text.len() - start, |newline| newline + 1);
    }
    let content = text[start..].split(['\n', '\r']).next().unwrap_or("");
    let mut units = 0;
    for (index, c) in content.char_indices() {
        if units >= character {
            return start + index;
        }
        units += if utf8 { c.len_utf8() } else { c.len_utf16() };
    }
    start + content.len()
}

/// `text` with a workspace edit's changes for `uri` applied, as an editor applies them: every
/// range refers to the original text.
fn apply(text: &str, edit: &Value, uri: &str, utf8: bool) -> String {
    let edits: Vec<Value> = match edit.get("documentChanges") {
        Some(changes) => changes.as_array().unwrap().iter().filter(|c| c["textDocument"]["uri"] == uri).flat_map(|c| c["edits"].as_array().unwrap().clone()).collect(),
        None => edit["changes"][uri].as_array().unwrap().clone(),
    };
    let mut spans: Vec<(usize, usize, String)> = edits
        .iter()
        .map(|e| (offset(text, &e["range"]["start"], utf8), offset(text, &e["range"]["end"], utf8), e["newText"].as_str().unwrap().to_string()))
        .collect();
    spans.sort_by_key(|(start, end, _)| (*start, *end));
    let mut out = String::new();
    let mut cursor = 0;
    for (start, end, new) in spans {
        assert!(start >= cursor, "overlapping edits in {edit}");
        out.push_str(&text[cursor..start]);
        out.push_str(&new);
        cursor = end;
    }
    out.push_str(&text[cursor..]);
    out
}

/// The file a diagnostic's `codeDescription.href` (a `file://` URI) names.
fn page_file(diagnostic: &Value) -> std::path::PathBuf {
    let href = diagnostic["codeDescription"]["href"].as_str().unwrap_or_else(|| panic!("no link: {diagnostic}"));
    let url = url::Url::parse(href).unwrap_or_else(|error| panic!("{href}: {error}"));
    assert_eq!(url.scheme(), "file", "{href}");
    url.to_file_path().unwrap()
}

/// What `cancelsafe --explain CODE` prints.
fn explain(code: &str) -> String {
    let output = run(cmd(&["--explain", code]), Path::new("."));
    assert!(output.status.success());
    String::from_utf8(output.stdout).unwrap()
}

fn codes(diagnostics: &[Value]) -> Vec<String> {
    diagnostics.iter().map(|d| d["code"].as_str().unwrap().to_string()).collect()
}

fn whole(text: &str) -> Value {
    let lines = text.lines().count() as u64 + 1;
    json!({"start": {"line": 0, "character": 0}, "end": {"line": lines, "character": 0}})
}

/// What the command line writes for this file (`--write` on a copy, configured as users' runs are).
fn cli_write(dir: &Path, name: &str, text: &str, extra: &[&str]) -> String {
    let copy = dir.join(format!("cli_copy_{name}"));
    std::fs::write(&copy, text).unwrap();
    let mut args = vec!["--write", "--quiet"];
    args.extend_from_slice(extra);
    let mut command = configured(&args);
    command.arg(&copy);
    run(command, dir);
    let fixed = std::fs::read_to_string(&copy).unwrap();
    std::fs::remove_file(&copy).unwrap();
    fixed
}

/// The command line's findings for a file as (code, 1-based line).
fn cli_findings(dir: &Path, name: &str) -> Vec<(String, u64)> {
    let mut command = configured(&["--check", "--format", "json", "--quiet"]);
    command.arg(name);
    let output = run(command, dir);
    let findings: Vec<Value> = serde_json::from_slice(&output.stdout).unwrap_or_else(|_| panic!("{}", text(&output.stderr)));
    findings.iter().map(|f| (f["code"].as_str().unwrap().to_string(), f["location"]["row"].as_u64().unwrap())).collect()
}

fn lsp_findings(diagnostics: &[Value]) -> Vec<(String, u64)> {
    diagnostics.iter().map(|d| (d["code"].as_str().unwrap().to_string(), d["range"]["start"]["line"].as_u64().unwrap() + 1)).collect()
}

const LEAKY: &str = "\
import asyncio


async def work():
    await asyncio.sleep(1)


async def main(label=\"naïve 🐍\"):
    asyncio.create_task(work())
    try:
        await asyncio.sleep(1)
    except asyncio.CancelledError:
        pass
";

#[test]
fn diagnostics_and_fixes_are_the_command_lines() {
    let dir = project(&[("app.py", LEAKY.as_bytes())]);
    let uri = url(&dir.path().join("app.py"));
    let (mut client, init) = Client::initialized(dir.path(), json!({}), Value::Null);
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-16", "{init}");
    assert_eq!(init["serverInfo"]["name"], "cancelsafe");
    client.open(&uri, LEAKY);
    let diagnostics = client.diagnostics(&uri, 1);
    assert_eq!(lsp_findings(&diagnostics), cli_findings(dir.path(), "app.py"));
    assert_eq!(codes(&diagnostics), ["CS201", "CS101"]);
    let cs201 = &diagnostics[0];
    assert_eq!(cs201["source"], "cancelsafe");
    assert_eq!(cs201["range"], json!({"start": {"line": 8, "character": 4}, "end": {"line": 8, "character": 31}}));
    // The rule's page, as `--explain` prints it, written into the cache folder.
    let page = page_file(cs201);
    assert_eq!(page, dir.path().join(CACHE).join("cancelsafe/rules").join(env!("CARGO_PKG_VERSION")).join("CS201.md"));
    assert_eq!(std::fs::read_to_string(&page).unwrap(), explain("CS201"));
    assert_eq!(std::fs::read_to_string(page_file(&diagnostics[1])).unwrap(), explain("CS101"));

    // A quick fix per finding, the safe one preferred, "disable for this line", and fix-all
    // (a source action: editors list it apart from the quick fixes).
    let actions = client.code_actions(&uri, cs201["range"].clone(), None);
    let titles: Vec<&str> = actions.iter().map(|a| a["title"].as_str().unwrap()).collect();
    assert_eq!(titles, ["cancelsafe: fix CS201 (fire-and-forget-task)", "cancelsafe: disable CS201 for this line", "cancelsafe: fix all"]);
    assert_eq!(actions[2]["kind"], "source.fixAll.cancelsafe");
    assert_eq!(actions[0]["kind"], "quickfix");
    assert_eq!(actions[0]["isPreferred"], true);
    assert_eq!(actions[0]["diagnostics"][0]["code"], "CS201");
    let fixed = apply(LEAKY, &actions[0]["edit"], &uri, false);
    assert_eq!(fixed, cli_write(dir.path(), "app.py", LEAKY, &["--select", "CS201"]));
    let suppressed = apply(LEAKY, &actions[1]["edit"], &uri, false);
    assert!(suppressed.contains("    asyncio.create_task(work())  # noqa: CS201\n"), "{suppressed}");

    // The editor applies the fix: the text it now holds is checked again.
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": suppressed}]}),
    );
    assert_eq!(codes(&client.diagnostics(&uri, 2)), ["CS101"]);

    // Fix all: the safe fixes, exactly what --write does.
    let actions = client.code_actions(&uri, whole(&suppressed), Some(&["source.fixAll"]));
    assert_eq!(actions.len(), 1, "{actions:#?}");
    assert_eq!(actions[0]["kind"], "source.fixAll.cancelsafe");
    assert_eq!(apply(&suppressed, &actions[0]["edit"], &uri, false), cli_write(dir.path(), "app.py", &suppressed, &[]));
    assert!(client.code_actions(&uri, whole(&suppressed), Some(&["source.organizeImports"])).is_empty());
    assert_eq!(client.shutdown(), 0);
}

const SHIELDED_RESYNC: &str = "import anyio.lowlevel\n\n\nasync def resync():\n    await anyio.lowlevel.cancel_shielded_checkpoint()\n";
const RESYNC_CALLER: &str = "import anyio\n\nfrom .compat import resync\n\n\nasync def serve(run):\n    try:\n        await run()\n    finally:\n        await resync()\n\n\nasync def stop(run, conn):\n    try:\n        await run()\n    finally:\n        await conn.aclose()\n";

/// A callee imported from the document's own package is read from disk, as on the command line:
/// `resync()` shields itself, so only `conn.aclose()` is a cleanup to protect.
#[test]
fn callees_in_the_documents_package_are_read_as_on_the_command_line() {
    let dir = project(&[("pkg/__init__.py", b""), ("pkg/compat.py", SHIELDED_RESYNC.as_bytes()), ("pkg/service.py", RESYNC_CALLER.as_bytes())]);
    let uri = url(&dir.path().join("pkg/service.py"));
    let (mut client, _) = Client::initialized(dir.path(), json!({}), Value::Null);
    client.open(&uri, RESYNC_CALLER);
    let diagnostics = client.diagnostics(&uri, 1);
    assert_eq!(lsp_findings(&diagnostics), [("CS301".to_string(), 17)]);
    assert_eq!(lsp_findings(&diagnostics), cli_findings(dir.path(), "pkg/service.py"));
    assert_eq!(client.shutdown(), 0);
}

#[test]
fn incremental_changes_in_utf8_with_crlf_and_tabs() {
    let original = "import asyncio\r\n\r\n\r\nasync def main():\r\n\tx = \"é\"\r\n\tawait asyncio.sleep(0)\r\n";
    let dir = project(&[("tabs.py", original.as_bytes())]);
    let uri = url(&dir.path().join("tabs.py"));
    let capabilities = json!({"general": {"positionEncodings": ["utf-8", "utf-16"]}, "workspace": {"workspaceEdit": {"documentChanges": true}}});
    let (mut client, init) = Client::initialized(dir.path(), capabilities, Value::Null);
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-8");
    assert_eq!(init["capabilities"]["textDocumentSync"]["change"], 2, "incremental sync");
    client.open(&uri, original);
    assert!(client.diagnostics(&uri, 1).is_empty());
    // Type a leak after `x = "é"` in three keystroke-sized changes (positions in bytes: é is 2).
    let mut text = original.to_string();
    let mut version = 1;
    for piece in ["\r\n\tasyncio.", "create_task(", "main())"] {
        let at = text.find("await").unwrap() - "\r\n\t".len();
        let (line, character) = (text[..at].matches('\n').count(), text[..at].rsplit('\n').next().unwrap().len());
        text.insert_str(at, piece);
        version += 1;
        let range = json!({"start": {"line": line, "character": character}, "end": {"line": line, "character": character}});
        client.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"range": range, "text": piece}]}),
        );
    }
    let diagnostics = client.diagnostics(&uri, version);
    assert_eq!(codes(&diagnostics), ["CS201"], "{text}");
    assert_eq!(diagnostics[0]["range"]["start"], json!({"line": 5, "character": 1}));
    let actions = client.code_actions(&uri, diagnostics[0]["range"].clone(), Some(&["quickfix"]));
    let edit = &actions[0]["edit"];
    assert_eq!(edit["documentChanges"][0]["textDocument"]["version"], version, "edits name the version they were made for");
    let fixed = apply(&text, edit, &uri, true);
    assert_eq!(fixed, cli_write(dir.path(), "tabs.py", &text, &["--select", "CS201"]));
    assert!(fixed.contains("\r\n\t_track_task(asyncio.create_task(main()))\r\n"), "{fixed:?}");
    assert!(!fixed.replace("\r\n", "").contains('\n'), "only CRLF line endings: {fixed:?}");
    assert_eq!(client.shutdown(), 0);
}

#[test]
fn pyproject_per_file_ignores_and_noqa_apply_as_on_the_command_line() {
    let pyproject = "[tool.cancelsafe]\nper-file-ignores = { \"tests/*\" = [\"CS201\"] }\nunsafe-fixes = false\n";
    let noqa = "import asyncio\n\n\nasync def main():\n    asyncio.create_task(main())  # noqa: CS201\n    asyncio.ensure_future(main())\n";
    let dir = project(&[("pyproject.toml", pyproject.as_bytes()), ("tests/test_a.py", LEAKY.as_bytes()), ("src/b.py", noqa.as_bytes())]);
    let (mut client, _) = Client::initialized(dir.path(), json!({}), Value::Null);
    for (name, expected) in [("tests/test_a.py", vec![("CS101", 12)]), ("src/b.py", vec![("CS201", 6)])] {
        let path = dir.path().join(name);
        let uri = url(&path);
        client.open(&uri, &std::fs::read_to_string(&path).unwrap());
        let diagnostics = client.diagnostics(&uri, 1);
        let expected: Vec<(String, u64)> = expected.into_iter().map(|(code, line)| (code.to_string(), line)).collect();
        assert_eq!(lsp_findings(&diagnostics), expected, "{name}");
        assert_eq!(cli_findings(dir.path(), name), expected, "{name}");
    }
    assert_eq!(client.shutdown(), 0);
}

/// A handler whose fix is unsafe (a retry loop: the fix stops it).
const RETRY: &str = "\
import asyncio


async def poll():
    while True:
        try:
            await asyncio.sleep(1)
        except asyncio.CancelledError:
            continue
";

#[test]
fn diagnostics_link_the_rule_pages_or_the_teams_copy() {
    let dir = project(&[("app.py", LEAKY.as_bytes())]);
    let app = url(&dir.path().join("app.py"));
    let hrefs = |diagnostics: &[Value]| -> Vec<Value> { diagnostics.iter().map(|d| d["codeDescription"]["href"].clone()).collect() };

    // A page already there with other text (an older build's) is replaced.
    let stale = dir.path().join(CACHE).join("cancelsafe/rules").join(env!("CARGO_PKG_VERSION")).join("CS101.md");
    std::fs::create_dir_all(stale.parent().unwrap()).unwrap();
    std::fs::write(&stale, "stale").unwrap();
    let (mut client, _) = Client::initialized(dir.path(), json!({}), Value::Null);
    client.open(&app, LEAKY);
    let diagnostics = client.diagnostics(&app, 1);
    assert_eq!(page_file(&diagnostics[1]), stale);
    assert_eq!(std::fs::read_to_string(&stale).unwrap(), explain("CS101"));
    assert_eq!(client.shutdown(), 0);

    // The team's hosted copy: a base gets `CODE.md` appended; `{code}` / `{name}` are filled in.
    let options = json!({"rulePagesUrl": "https://docs.example.com/cancelsafe/rules/"});
    let (mut client, _) = Client::initialized(dir.path(), json!({}), options);
    client.open(&app, LEAKY);
    let expected = ["https://docs.example.com/cancelsafe/rules/CS201.md", "https://docs.example.com/cancelsafe/rules/CS101.md"];
    assert_eq!(hrefs(&client.diagnostics(&app, 1)), expected);
    assert_eq!(client.shutdown(), 0);
    let capabilities = json!({"workspace": {"configuration": true}});
    let (mut client, _) = Client::initialized(dir.path(), capabilities, Value::Null);
    let ask = client.wait_for(|message| message["method"] == "workspace/configuration");
    client.send(json!({"jsonrpc": "2.0", "id": ask["id"], "result": [{"rulePagesUrl": "https://wiki.example.com/{name}#{code}"}, null]}));
    client.open(&app, LEAKY);
    let diagnostics = client.diagnostics(&app, 1);
    assert_eq!(hrefs(&diagnostics), ["https://wiki.example.com/fire-and-forget-task#CS201", "https://wiki.example.com/swallowed-cancellation#CS101"]);
    assert_eq!(client.shutdown(), 0);

    // No page can be written (the cache folder is a file): no link rather than a dead one, and
    // the client's log says why.
    let blocked = dir.path().join("not a folder");
    std::fs::write(&blocked, "").unwrap();
    let (mut client, _) = Client::initialized_with_cache(dir.path(), &blocked, json!({}), Value::Null);
    let logged = client.wait_for(|message| message["method"] == "window/logMessage");
    let message = logged["params"]["message"].as_str().unwrap();
    assert!(message.contains("cannot make the folder of the rule pages") && message.contains("not a folder"), "{message}");
    client.open(&app, LEAKY);
    let diagnostics = client.diagnostics(&app, 1);
    assert_eq!(codes(&diagnostics), ["CS201", "CS101"]);
    assert!(diagnostics.iter().all(|d| d.get("codeDescription").is_none()), "{diagnostics:#?}");
    assert_eq!(client.shutdown(), 0);
}

#[test]
fn editor_settings_choose_rules_and_unsafe_fixes() {
    let dir = project(&[("retry.py", RETRY.as_bytes()), ("app.py", LEAKY.as_bytes())]);
    let (retry, app) = (url(&dir.path().join("retry.py")), url(&dir.path().join("app.py")));

    // Without unsafe-fixes, fix-all leaves the unsafe fix alone; the quick fix says it is unsafe.
    let (mut client, _) = Client::initialized(dir.path(), json!({}), Value::Null);
    client.open(&retry, RETRY);
    let diagnostics = client.diagnostics(&retry, 1);
    assert_eq!(codes(&diagnostics), ["CS101"]);
    assert!(client.code_actions(&retry, whole(RETRY), Some(&["source.fixAll.cancelsafe"])).is_empty());
    let quick = client.code_actions(&retry, diagnostics[0]["range"].clone(), Some(&["quickfix"]));
    let mut command = configured(&["--check", "--format", "json", "--quiet", "retry.py"]);
    command.current_dir(dir.path());
    let cli: Vec<Value> = serde_json::from_slice(&command.output().unwrap().stdout).unwrap();
    let reason = cli[0]["fix"]["reason"].as_str().expect("the CLI gives the unsafe fix's reason");
    assert_eq!(quick[0]["title"], format!("cancelsafe: fix CS101 (swallowed-cancellation) — unsafe: {reason}"));
    assert!(diagnostics[0]["message"].as_str().unwrap().ends_with(&format!("(unsafe fix: {reason})")), "{diagnostics:#?}");
    assert_eq!(quick[0]["isPreferred"], false);
    assert_eq!(apply(RETRY, &quick[0]["edit"], &retry, false), cli_write(dir.path(), "retry.py", RETRY, &["--unsafe-fixes"]));
    assert_eq!(client.shutdown(), 0);

    // initializationOptions: unsafe fixes on, CS101 only.
    let options = json!({"select": ["CS101"], "unsafe-fixes": true});
    let (mut client, _) = Client::initialized(dir.path(), json!({}), options);
    client.open(&retry, RETRY);
    client.diagnostics(&retry, 1);
    let all = client.code_actions(&retry, whole(RETRY), Some(&["source.fixAll"]));
    assert_eq!(apply(RETRY, &all[0]["edit"], &retry, false), cli_write(dir.path(), "retry.py", RETRY, &["--unsafe-fixes"]));
    client.open(&app, LEAKY);
    assert_eq!(codes(&client.diagnostics(&app, 1)), ["CS101"]);
    assert_eq!(client.shutdown(), 0);

    // workspace/configuration: the server asks, the client answers (global, then the folder).
    let capabilities = json!({"workspace": {"configuration": true}});
    let (mut client, _) = Client::initialized(dir.path(), capabilities, Value::Null);
    let ask = client.wait_for(|message| message["method"] == "workspace/configuration");
    assert_eq!(ask["params"]["items"][0]["section"], "cancelsafe");
    client.send(json!({"jsonrpc": "2.0", "id": ask["id"], "result": [{"ignore": ["CS101"]}, null]}));
    client.open(&app, LEAKY);
    assert_eq!(codes(&client.diagnostics(&app, 1)), ["CS201"]);
    // The settings change: the server asks again and checks the open documents again.
    client.notify("workspace/didChangeConfiguration", json!({"settings": null}));
    let ask = client.wait_for(|message| message["method"] == "workspace/configuration");
    client.send(json!({"jsonrpc": "2.0", "id": ask["id"], "result": [{"select": "CS1"}, {}]}));
    assert_eq!(codes(&client.diagnostics(&app, 1)), ["CS101"]);
    assert_eq!(client.shutdown(), 0);

    // A bad setting is shown to the user; the server keeps running.
    let (mut client, _) = Client::initialized(dir.path(), json!({}), json!({"select": ["CS999"]}));
    client.open(&app, LEAKY);
    assert!(client.diagnostics(&app, 1).is_empty());
    let shown = client.wait_for(|message| message["method"] == "window/showMessage");
    assert!(shown["params"]["message"].as_str().unwrap().contains("CS999"), "{shown}");
    assert_eq!(client.shutdown(), 0);
}

#[test]
fn pull_diagnostics_for_clients_that_ask() {
    let dir = project(&[("app.py", LEAKY.as_bytes())]);
    let uri = url(&dir.path().join("app.py"));
    let capabilities = json!({"textDocument": {"diagnostic": {"dynamicRegistration": false}}});
    let (mut client, init) = Client::initialized(dir.path(), capabilities, Value::Null);
    assert_eq!(init["capabilities"]["diagnosticProvider"]["identifier"], "cancelsafe");
    client.open(&uri, LEAKY);
    let report = client.request("textDocument/diagnostic", json!({"textDocument": {"uri": uri}}));
    assert_eq!(report["kind"], "full");
    assert_eq!(lsp_findings(report["items"].as_array().unwrap()), cli_findings(dir.path(), "app.py"));
    let again = client.request("textDocument/diagnostic", json!({"textDocument": {"uri": uri}, "previousResultId": report["resultId"]}));
    assert_eq!(again["kind"], "unchanged");
    // New settings for the same text: the report is new, not "unchanged".
    client.notify("workspace/didChangeConfiguration", json!({"settings": {"select": "CS101"}}));
    let narrowed = client.request("textDocument/diagnostic", json!({"textDocument": {"uri": uri}, "previousResultId": report["resultId"]}));
    assert_eq!(narrowed["kind"], "full", "{narrowed}");
    assert_eq!(codes(narrowed["items"].as_array().unwrap()), ["CS101"]);
    // A client that pulls is not also pushed to (it would show everything twice).
    assert!(!client.backlog.iter().any(|m| m["method"] == "textDocument/publishDiagnostics"), "{:#?}", client.backlog);
    assert_eq!(client.shutdown(), 0);
}

#[test]
fn bad_input_never_stops_the_server() {
    let dir = project(&[("app.py", LEAKY.as_bytes())]);
    let uri = url(&dir.path().join("app.py"));
    let (mut client, _) = Client::initialized(dir.path(), json!({}), Value::Null);
    // A syntax error: nothing to report, and the server goes on.
    client.open(&uri, "async def f(:\n");
    assert!(client.diagnostics(&uri, 1).is_empty());
    // Nesting deep enough to exhaust a small stack, and ranges far outside the text.
    let deep = format!("import asyncio\nx = {}1{}\n", "(".repeat(5000), ")".repeat(5000));
    let range = json!({"start": {"line": 900, "character": 77}, "end": {"line": 901, "character": 0}});
    client.notify("textDocument/didChange", json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": deep}, {"range": range, "text": "\n"}]}));
    client.diagnostics(&uri, 2);
    // A request with bad parameters is refused with an error, and one the server does not know too.
    let refused = client.request_raw("textDocument/codeAction", json!({"textDocument": 7}));
    assert_eq!(refused["error"]["code"], -32602, "{refused}");
    let unknown = client.request_raw("textDocument/hover", json!({}));
    assert_eq!(unknown["error"]["code"], -32601, "{unknown}");
    // The same server still checks a new text.
    client.notify("textDocument/didChange", json!({"textDocument": {"uri": uri, "version": 3}, "contentChanges": [{"text": LEAKY}]}));
    assert_eq!(codes(&client.diagnostics(&uri, 3)), ["CS201", "CS101"]);
    // Closing clears the document's diagnostics.
    client.notify("textDocument/didClose", json!({"textDocument": {"uri": uri}}));
    let cleared = client.wait_for(|m| m["method"] == "textDocument/publishDiagnostics" && m["params"]["diagnostics"] == json!([]));
    assert_eq!(cleared["params"]["uri"], uri);
    assert_eq!(client.shutdown(), 0);
}

#[test]
fn exit_without_shutdown_is_an_error_exit() {
    let dir = project(&[]);
    let (mut client, _) = Client::initialized(dir.path(), json!({}), Value::Null);
    client.notify("exit", Value::Null);
    assert_eq!(client.wait_exit(), 1);
    // An editor that closes the pipe ends the server too.
    let (mut client, _) = Client::initialized(dir.path(), json!({}), Value::Null);
    assert_eq!(client.wait_exit(), 1);
}

/// A `finally:` cleanup 20 blocks deep: CS301's fix would add a 21st, which CPython refuses.
fn cleanup_at_the_block_limit() -> String {
    let mut text = String::from("import asyncio\n\n\nasync def f(conn, xs):\n");
    let mut indent = 1;
    for n in 0..19 {
        text += &format!("{}for a{n} in xs:\n", "    ".repeat(indent));
        indent += 1;
    }
    let here = "    ".repeat(indent);
    text += &format!("{here}try:\n{here}    await conn.send()\n{here}finally:\n{here}    await conn.close()\n");
    text
}

#[test]
fn a_fix_that_fails_verification_is_never_offered() {
    // Diagnostics go out before the fixes are verified; a fix that fails verification changes
    // its label, so they go out again, and no quick fix is offered for it.
    let text = cleanup_at_the_block_limit();
    let dir = project(&[("deep.py", text.as_bytes())]);
    let uri = url(&dir.path().join("deep.py"));
    let (mut client, _) = Client::initialized(dir.path(), json!({}), Value::Null);
    client.open(&uri, &text);
    let refused = |message: &Value| message["method"] == "textDocument/publishDiagnostics"
        && message["params"]["diagnostics"][0]["message"].as_str().is_some_and(|m| m.contains("(no fix: the fix was not applied: it would cross a limit of CPython's"));
    let published = client.wait_for(refused);
    assert_eq!(published["params"]["version"], 1);
    let diagnostics = published["params"]["diagnostics"].as_array().unwrap().clone();
    assert_eq!(lsp_findings(&diagnostics), cli_findings(dir.path(), "deep.py"));
    let titles: Vec<String> =
        client.code_actions(&uri, diagnostics[0]["range"].clone(), None).iter().map(|a| a["title"].as_str().unwrap().to_string()).collect();
    assert_eq!(titles, ["cancelsafe: disable CS301 for this line"]);
    // A code action asked for at once, before the verifier has reported, waits for it.
    client.notify("textDocument/didChange", json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": format!("{text}\n")}]}));
    client.notify("textDocument/didSave", json!({"textDocument": {"uri": uri}}));
    let titles: Vec<String> =
        client.code_actions(&uri, diagnostics[0]["range"].clone(), None).iter().map(|a| a["title"].as_str().unwrap().to_string()).collect();
    assert_eq!(titles, ["cancelsafe: disable CS301 for this line"]);
    assert_eq!(client.shutdown(), 0);
}
