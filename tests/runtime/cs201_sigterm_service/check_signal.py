#!/usr/bin/env python3
"""Real-signal check (see ../README.md and seed 003: SIGTERM handled by a task the handler spawns).

Usage: python3 check_signal.py /path/to/service.py
Starts the service as a subprocess, waits for "ready", sends a real SIGTERM, and
asserts the process exits with code 0 within EXIT_BOUND seconds, after printing
"shutdown complete" (graceful_shutdown ran to its end), with no asyncio task-loss
report on stderr.  Exit 0 if so; else one line on stderr, exit 1.
"""
import os
import signal
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from signal_harness import EXIT_BOUND, NAME, fail, signal_service  # noqa: E402

BAD_STDERR = ("Task was destroyed but it is pending", "Task exception was never retrieved")


def main():
    # Let the service run a little first: consumers mid-unit, a few heartbeats.
    outcome = signal_service(signal.SIGTERM, settle=0.15)
    after, stderr, rc = outcome.after, outcome.stderr, outcome.rc
    bad = [b for b in BAD_STDERR if b in stderr]
    if outcome.hung:
        why = f"; stderr reports {bad[0]!r}" if bad else ""
        fail(f"hung: still running {EXIT_BOUND}s after SIGTERM (killed it){why}; output after SIGTERM: {after[-4:]}")
    if "shutdown complete" not in after:
        fail(f"exited (rc={rc}) without graceful_shutdown completing; output after SIGTERM: {after[-4:]}")
    if rc != 0:
        fail(f"exit code {rc} after SIGTERM, expected 0; stderr: {stderr[-300:]!r}")
    if bad:
        fail(f"stderr reports {bad[0]!r}: {stderr[-300:]!r}")
    started = [l for l in outcome.seen if l.startswith("start ")]
    drained = [l for l in after if l.startswith("drained ")]
    if not started or len(drained) != len(started):
        fail(f"{len(started)} consumers started but {len(drained)} drained")
    print(f"{NAME}: ok (exit code 0 after SIGTERM, shutdown complete, {len(drained)} consumers drained)")


if __name__ == "__main__":
    main()
