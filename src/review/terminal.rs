//! The terminal side of the review: one keystroke per answer (raw mode only while waiting for
//! it, and restored on every way out: return, panic, signal), and the editor for `e`.

use std::collections::VecDeque;
use std::io::{IsTerminal, Read, Write};
use std::path::Path;
use std::process::{Command, ExitStatus};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Once};

use anyhow::{bail, Context, Result};

/// An answer at the prompt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Key {
    Char(char),
    /// Ctrl-C, or SIGINT / SIGTERM / SIGHUP from outside.
    Interrupt,
    /// Ctrl-D, or standard input closed.
    EndOfInput,
}

pub struct Terminal {
    /// Set by SIGINT, SIGTERM and SIGHUP, which no longer end the process: the review ends
    /// itself at the next prompt, so no file is left half-written and the terminal is restored.
    interrupted: Arc<AtomicBool>,
    /// Keys typed ahead of the prompt that asks for them.
    typed_ahead: VecDeque<u8>,
}

impl Terminal {
    /// Refuses without a terminal on standard input and output.
    pub fn open() -> Result<Terminal> {
        if !(std::io::stdin().is_terminal() && std::io::stdout().is_terminal()) {
            bail!(
                "interactive review (-i) needs a terminal on standard input and output; \
                 without one, review the fixes with `cancelsafe --diff PATH` (a patch `git apply` takes) \
                 and apply them with `cancelsafe --write PATH`"
            );
        }
        if cfg!(not(unix)) {
            bail!("interactive review (-i) needs a Unix terminal in this version; review the fixes with `cancelsafe --diff PATH` and apply them with `cancelsafe --write PATH`");
        }
        let interrupted = Arc::new(AtomicBool::new(false));
        for signal in SIGNALS {
            signal_hook::flag::register(*signal, Arc::clone(&interrupted)).context("cannot handle signals")?;
        }
        static PANIC_HOOK: Once = Once::new();
        PANIC_HOOK.call_once(|| {
            let default = std::panic::take_hook();
            std::panic::set_hook(Box::new(move |info| {
                let _ = crossterm::terminal::disable_raw_mode();
                default(info);
            }));
        });
        Ok(Terminal { interrupted, typed_ahead: VecDeque::new() })
    }

    pub fn interrupted(&self) -> bool {
        self.interrupted.load(Ordering::SeqCst)
    }

    /// Prints `prompt` and waits for one keystroke (no Enter needed).
    pub fn key(&mut self, prompt: &str) -> Result<Key> {
        let raw = RawMode::enable()?;
        let mut stdout = std::io::stdout().lock();
        write!(stdout, "{prompt}")?;
        stdout.flush()?;
        let key = self.read_key();
        drop(raw);
        match key {
            Key::Char(c) => writeln!(stdout, "{c}")?,
            Key::Interrupt => writeln!(stdout, "^C")?,
            Key::EndOfInput => writeln!(stdout)?,
        }
        Ok(key)
    }

    fn read_key(&mut self) -> Key {
        loop {
            if self.interrupted() {
                return Key::Interrupt;
            }
            while let Some(byte) = self.typed_ahead.pop_front() {
                match byte {
                    0x03 => return Key::Interrupt,
                    0x04 => return Key::EndOfInput,
                    // An escape sequence (arrow keys, function keys): not an answer; drop it
                    // whole, or its `A` of `ESC [ A` would apply every fix.
                    0x1b => self.typed_ahead.clear(),
                    b'!'..=b'~' => return Key::Char(char::from(byte)),
                    _ => {}
                }
            }
            match wait_readable(100) {
                Readable::No => continue,
                Readable::Closed => return Key::EndOfInput,
                Readable::Yes => {}
            }
            let mut buffer = [0u8; 64];
            match std::io::stdin().lock().read(&mut buffer) {
                Ok(0) => return Key::EndOfInput,
                Ok(n) => self.typed_ahead.extend(&buffer[..n]),
                Err(error) if error.kind() == std::io::ErrorKind::Interrupted => {}
                Err(_) => return Key::EndOfInput,
            }
        }
    }

    /// Opens `path` in `$VISUAL`, else `$EDITOR`, else `vi`, run by the shell as git does (so
    /// `EDITOR="code --wait"` works). A Ctrl-C meant for the editor does not end the review.
    pub fn edit(&mut self, path: &Path) -> Result<ExitStatus> {
        let editor = ["VISUAL", "EDITOR"]
            .iter()
            .filter_map(|name| std::env::var(name).ok())
            .find(|value| !value.trim().is_empty())
            .unwrap_or_else(|| "vi".to_string());
        let status = Command::new("sh")
            .arg("-c")
            .arg(format!("{editor} \"$@\""))
            .arg(&editor)
            .arg(path)
            .status()
            .with_context(|| format!("cannot start the editor `{editor}`"));
        self.interrupted.store(false, Ordering::SeqCst);
        self.typed_ahead.clear();
        status
    }
}

#[cfg(unix)]
const SIGNALS: &[i32] = &[signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM, signal_hook::consts::SIGHUP];
#[cfg(not(unix))]
const SIGNALS: &[i32] = &[signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM];

/// Raw mode for as long as it lives.
struct RawMode;

impl RawMode {
    fn enable() -> Result<RawMode> {
        crossterm::terminal::enable_raw_mode().context("cannot switch the terminal to raw mode")?;
        Ok(RawMode)
    }
}

impl Drop for RawMode {
    fn drop(&mut self) {
        let _ = crossterm::terminal::disable_raw_mode();
    }
}

enum Readable {
    Yes,
    No,
    Closed,
}

/// Waits up to `millis` for standard input, so a signal is noticed while waiting for a key.
#[cfg(unix)]
fn wait_readable(millis: i32) -> Readable {
    let mut poll = libc::pollfd { fd: libc::STDIN_FILENO, events: libc::POLLIN, revents: 0 };
    // SAFETY: one valid pollfd, and its count.
    let ready = unsafe { libc::poll(&mut poll, 1, millis) };
    if ready <= 0 {
        return Readable::No;
    }
    if poll.revents & libc::POLLIN != 0 {
        Readable::Yes
    } else if poll.revents & (libc::POLLHUP | libc::POLLERR | libc::POLLNVAL) != 0 {
        Readable::Closed
    } else {
        Readable::No
    }
}

#[cfg(not(unix))]
fn wait_readable(_millis: i32) -> Readable {
    Readable::Closed
}
