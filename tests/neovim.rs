//! A real editor: headless Neovim (Debian's package, 0.7) with its built-in LSP client opens a
//! file, receives cancelsafe's diagnostic and applies the quick fix (tests/editors/).
//! Neovim is installed by `.ci/run`; run locally without it, this test installs it the same way
//! (apt-get), and fails rather than skips if it cannot.

mod common;

use std::process::Command;

use common::*;
use serde_json::Value;

const LEAKY: &str = "\
import asyncio


async def work(label):
    await asyncio.sleep(1)


async def main():
    asyncio.create_task(work(\"naïve 🐍\"))
    try:
        await asyncio.sleep(1)
    except asyncio.CancelledError:
        pass
";

fn neovim() -> &'static str {
    let found = || Command::new("nvim").arg("--version").output().is_ok_and(|output| output.status.success());
    if !found() {
        let status = Command::new("sh")
            .args(["-c", "apt-get update -qq && apt-get install -y -qq neovim"])
            .status()
            .expect("cannot run apt-get to install Neovim");
        assert!(status.success() && found(), "Neovim is not installed and apt-get could not install it (see .ci/run)");
    }
    "nvim"
}

#[test]
fn neovim_shows_the_diagnostic_and_applies_the_quick_fix() {
    let dir = project(&[("app.py", LEAKY.as_bytes())]);
    let file = dir.path().join("app.py");
    let result_file = dir.path().join("result.json");
    let output = Command::new(neovim())
        .args(["--headless", "--clean", "-n", "-c"])
        .arg(format!("luafile {}", repo_path("tests/editors/neovim_quickfix.lua").display()))
        .env("CANCELSAFE_BIN", env!("CARGO_BIN_EXE_cancelsafe"))
        .env("CANCELSAFE_FILE", &file)
        .env("CANCELSAFE_RESULT", &result_file)
        // The server writes its rule pages here, not into the cache of the user running tests.
        .env("XDG_CACHE_HOME", dir.path().join("cache"))
        .current_dir(dir.path())
        .output()
        .expect("cannot start Neovim");
    let result: Value = serde_json::from_str(&std::fs::read_to_string(&result_file).unwrap_or_else(|_| {
        panic!("Neovim wrote no result; stdout: {} stderr: {}", text(&output.stdout), text(&output.stderr))
    }))
    .unwrap();
    assert!(result.get("error").is_none(), "{result:#}");
    let diagnostic = &result["diagnostic"];
    assert_eq!(diagnostic["code"], "CS201");
    assert_eq!(diagnostic["source"], "cancelsafe");
    assert_eq!(diagnostic["lnum"], 8);
    assert_eq!(diagnostic["col"], 4);
    // Neovim counts columns in bytes and converted the server's UTF-16 positions: the call ends
    // after `naïve 🐍")`, which is 4 + 35 bytes (the ï is 2 bytes, the snake 4).
    let line = LEAKY.lines().nth(8).unwrap();
    assert_eq!(diagnostic["end_col"], line.len(), "{line}");
    assert_eq!(result["applied"][0], "cancelsafe: fix CS201 (fire-and-forget-task)", "{result:#}");
    assert_eq!(result["exit"], 0, "the server exits cleanly after shutdown: {result:#}");

    // What Neovim wrote is what `cancelsafe --write --select CS201` writes.
    let written = std::fs::read_to_string(&file).unwrap();
    let expected = project(&[("app.py", LEAKY.as_bytes())]);
    run(cmd(&["--write", "--quiet", "--select", "CS201", "app.py"]), expected.path());
    assert_eq!(written, read(expected.path(), "app.py"));
    assert!(written.contains("    _track_task(asyncio.create_task(work(\"naïve 🐍\")))\n"), "{written}");
}
