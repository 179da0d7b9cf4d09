//! What a newcomer reads first must be true: the README opens with the two commands, then what
//! the tool is, how to install it and an example whose output is the binary's own; the install
//! guide's faster pre-commit path works with a real pre-commit.

mod common;

use std::process::Command;

use common::{code, project, read, repo_path, run, test_python, text};

/// The fenced blocks of a Markdown text with their info string.
fn blocks(markdown: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let mut current: Option<(String, String)> = None;
    for line in markdown.lines() {
        match (line.strip_prefix("```"), current.take()) {
            (Some(info), None) => current = Some((info.to_string(), String::new())),
            (Some(_), Some(block)) => found.push(block),
            (None, Some((info, mut body))) => {
                body.push_str(line);
                body.push('\n');
                current = Some((info, body));
            }
            (None, None) => {}
        }
    }
    found
}

#[test]
fn the_readme_opens_with_the_two_commands_then_what_install_and_an_example() {
    let readme = read(&repo_path(""), "README.md");
    let mut lines = readme.lines().filter(|line| !line.trim().is_empty());
    assert_eq!(lines.next(), Some("# cancelsafe"));
    assert_eq!(lines.next(), Some("```sh"));
    assert!(lines.next().unwrap().starts_with("cargo run --release -- transforms/"));
    assert!(lines.next().unwrap().starts_with("cargo test --locked"));
    let heading = |title: &str| readme.find(&format!("\n## {title}\n")).unwrap_or_else(|| panic!("no ## {title}"));
    assert!(heading("Install") < heading("Example") && heading("Example") < heading("Use"), "what, install, one example, then the rest");
    assert!(heading("Development") > heading("Configuration"), "the test plumbing comes last");
    assert!(readme[heading("Development")..].contains("tests/requirements.txt"));
    assert!(!readme[..heading("Use")].contains("tests/requirements.txt"), "no test plumbing before the use");
}

#[test]
fn the_readme_example_prints_what_the_binary_prints() {
    let readme = read(&repo_path(""), "README.md");
    let example = &readme[readme.find("\n## Example\n").unwrap()..readme.find("\n## Use\n").unwrap()];
    let blocks = blocks(example);
    let (_, python) = blocks.iter().find(|(info, _)| info == "python").expect("a Python example");
    let (_, console) = blocks.iter().find(|(info, _)| info == "console").expect("its output");
    let name = python.lines().next().unwrap().trim_start_matches("# ").to_string();
    let dir = project(&[(name.as_str(), python.as_bytes())]);

    let mut sessions = console.split("$ ").filter(|part| !part.is_empty());
    let first = sessions.next().unwrap();
    let (command, expected) = first.split_once('\n').unwrap();
    assert_eq!(command, format!("cancelsafe {name}"));
    let output = run(common::cmd(&[&name]), dir.path());
    assert_eq!(text(&output.stdout), expected, "the README shows what `{command}` prints");
    assert_eq!(code(&output), 1);

    let write = sessions.next().unwrap();
    assert!(write.starts_with(&format!("cancelsafe --write {name}")), "{write}");
    assert_eq!(code(&run(common::cmd(&["--write", &name]), dir.path())), 0);
    assert!(read(dir.path(), &name).contains("        raise\n"));
}

#[test]
fn the_install_guide_is_honest_and_its_local_hook_works() {
    let guide = read(&repo_path(""), "docs/install.md");
    assert!(!guide.contains("v0.1.0"), "there is no such tag");
    assert!(guide.contains("about 2 minutes"), "the first pre-commit run's build is announced");
    let hook = blocks(&guide).into_iter().map(|(_, body)| body).find(|body| body.contains("repo: local")).expect("a local hook");
    assert!(hook.contains("language: system"));

    let sample = project(&[
        (".pre-commit-config.yaml", hook.as_bytes()),
        ("app/worker.py", b"import asyncio\n\n\nasync def f():\n    try:\n        await asyncio.sleep(1)\n    except asyncio.CancelledError:\n        return\n"),
    ]);
    let git = |args: &[&str]| {
        let mut command = Command::new("git");
        command.args(args);
        let out = run(command, sample.path());
        assert!(out.status.success(), "git {args:?}: {}", text(&out.stderr));
    };
    git(&["init", "-q"]);
    git(&["add", "."]);
    let binaries = std::path::Path::new(env!("CARGO_BIN_EXE_cancelsafe")).parent().unwrap().to_path_buf();
    let path = std::env::join_paths(std::iter::once(binaries).chain(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()))).unwrap();
    let pre_commit_home = tempfile::tempdir().unwrap();
    let pre_commit = || {
        let mut command = Command::new(test_python());
        command.args(["-m", "pre_commit", "run", "--all-files", "--color", "never"]).env("PATH", &path).env("PRE_COMMIT_HOME", pre_commit_home.path());
        run(command, sample.path())
    };
    let failing = pre_commit();
    assert_eq!(code(&failing), 1, "{}{}", text(&failing.stdout), text(&failing.stderr));
    assert!(text(&failing.stdout).contains("app/worker.py:7:5: CS101"), "{}", text(&failing.stdout));
    std::fs::write(sample.path().join("app/worker.py"), read(sample.path(), "app/worker.py").replace("        return\n", "        raise\n")).unwrap();
    git(&["add", "."]);
    let passing = pre_commit();
    assert_eq!(code(&passing), 0, "{}{}", text(&passing.stdout), text(&passing.stderr));
}
