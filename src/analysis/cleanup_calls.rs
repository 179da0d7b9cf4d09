//! Which awaited calls are cleanup. Whether a call suspends, or what it does, cannot be seen
//! across modules, so CS301 only flags calls whose name says they release something: a word
//! of the name (split at `_` and at camel-case humps) is one of [`CLEANUP_WORDS`]. The list is
//! documented on the rule page.

/// Words that make a call a cleanup: `close`, `aclose`, `wait_closed`, `async_close`,
/// `close_session`, `stopConsuming`, `__aexit__` …
pub const CLEANUP_WORDS: &[&str] = &[
    "abort", "aclose", "aexit", "cancel", "cleanup", "close", "closed", "commit", "delete", "deregister", "detach",
    "discard", "disconnect", "dispose", "drain", "exit", "finalize", "finish", "flush", "join", "kill", "logout", "nack", "nak",
    "quit", "reject", "release", "remove", "requeue", "reset", "rollback", "save", "shutdown", "stop", "stopped", "teardown",
    "terminate", "unlink", "unload", "unlock", "unregister", "unsubscribe",
];

/// Words of a whole-service shutdown, which may legitimately take much longer than one close:
/// `runner.cleanup()`, `stop()`, `join()`, `shutdown()`, `wait_for_shutdown()`.
const SHUTDOWN_WORDS: &[&str] = &["cleanup", "join", "shutdown", "stop", "stopped", "teardown", "terminate"];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CleanupKind {
    /// Closing, flushing or releasing one thing.
    Release,
    /// Shutting down a whole service (its bound is `shutdown-timeout`).
    Shutdown,
}

/// What kind of cleanup a call to `name` on `receiver` (its source text, `""` for a plain
/// function) is, if any.
pub fn cleanup_kind(name: &str, receiver: &str) -> Option<CleanupKind> {
    let words = words(name);
    if !words.iter().any(|word| CLEANUP_WORDS.contains(&word.as_str())) {
        return None;
    }
    // `server.wait_closed()` waits for every connection to finish (3.12+), `site.stop()` too.
    let server = receiver.to_ascii_lowercase().contains("server") && words.iter().any(|w| w == "closed");
    if server || words.iter().any(|word| SHUTDOWN_WORDS.contains(&word.as_str())) {
        Some(CleanupKind::Shutdown)
    } else {
        Some(CleanupKind::Release)
    }
}

/// `async_closeSession` → `async`, `close`, `session`; `clean_up` and `cleanUp` are `cleanup`.
fn words(name: &str) -> Vec<String> {
    let mut words = split_words(name);
    while let Some(at) = words.windows(2).position(|pair| pair[0] == "clean" && pair[1] == "up") {
        words.splice(at..at + 2, ["cleanup".to_string()]);
    }
    words
}

fn split_words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    for part in name.split('_').filter(|part| !part.is_empty()) {
        let mut word = String::new();
        let mut previous_lower = false;
        for c in part.chars() {
            if c.is_ascii_uppercase() && previous_lower && !word.is_empty() {
                words.push(std::mem::take(&mut word));
            }
            previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
            word.push(c.to_ascii_lowercase());
        }
        words.push(word);
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_of_cleanups() {
        assert_eq!(cleanup_kind("close", "writer"), Some(CleanupKind::Release));
        assert_eq!(cleanup_kind("wait_closed", "writer"), Some(CleanupKind::Release));
        assert_eq!(cleanup_kind("wait_closed", "self._server"), Some(CleanupKind::Shutdown));
        assert_eq!(cleanup_kind("async_close", "hass"), Some(CleanupKind::Release));
        assert_eq!(cleanup_kind("closeSession", "client"), Some(CleanupKind::Release));
        assert_eq!(cleanup_kind("__aexit__", "cm"), Some(CleanupKind::Release));
        assert_eq!(cleanup_kind("cleanup", "runner"), Some(CleanupKind::Shutdown));
        assert_eq!(cleanup_kind("wait_for_shutdown", "lifespan"), Some(CleanupKind::Shutdown));
        assert_eq!(cleanup_kind("_clean_up_streams", "self"), Some(CleanupKind::Shutdown));
        assert_eq!(cleanup_kind("cleanUp", "pool"), Some(CleanupKind::Shutdown));
        assert_eq!(cleanup_kind("_discard_session", "self"), Some(CleanupKind::Release));
        assert_eq!(cleanup_kind("clean", "brush"), None);
        assert_eq!(cleanup_kind("send", "ws"), None);
        assert_eq!(cleanup_kind("put", "queue"), None);
        assert_eq!(cleanup_kind("closest", "tree"), None);
        assert_eq!(cleanup_kind("process", "self"), None);
    }
}
