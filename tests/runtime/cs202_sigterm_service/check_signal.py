#!/usr/bin/env python3
"""Real-signal check (see ../README.md and seed 003: shutdown on SIGTERM).

Usage: python3 check_signal.py /path/to/service.py
Starts the service as a real subprocess, waits for "ready", sends a real SIGTERM, and asserts
that the process exits with code 0 within EXIT_BOUND seconds, that every started worker printed
"cleanup <i>" before "shutdown complete" (the stopper awaited their cleanup), and that stderr
reports no pending task destroyed at exit.  Exit 0 if so; else one line on stderr, exit 1.
"""
import os
import re
import signal
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from signal_harness import EXIT_BOUND, NAME, fail, signal_service  # noqa: E402


def main():
    outcome = signal_service(signal.SIGTERM, settle=0.12)
    after, rc = outcome.after, outcome.rc
    if outcome.hung:
        fail(f"hung: still running {EXIT_BOUND}s after SIGTERM (killed it); output after SIGTERM: {after[-4:]}")
    if "shutdown complete" not in after:
        fail(f"exited (rc={rc}) without stop() finishing; output after SIGTERM: {after[-4:]}")
    started = {m.group(1) for l in outcome.seen if (m := re.fullmatch(r"start (\d+)", l))}
    done_at = after.index("shutdown complete")
    cleaned = {m.group(1) for l in after[:done_at] if (m := re.fullmatch(r"cleanup (\d+)", l))}
    missing = sorted(started - cleaned, key=int)
    if not started:
        fail("no worker ever started")
    if missing:
        fail(f"stop() finished before the cleanup of worker(s) {missing} ran; output after SIGTERM: {after}")
    if rc != 0:
        fail(f"exit code {rc} after SIGTERM, expected 0; stderr: {outcome.stderr[-300:]!r}")
    if "Task was destroyed but it is pending" in outcome.stderr:
        fail(f"stderr reports a pending task destroyed at exit: {outcome.stderr[-300:]!r}")
    print(f"{NAME}: ok (exit code 0 after SIGTERM, {len(started)} workers cleaned up before shutdown complete)")


if __name__ == "__main__":
    main()
