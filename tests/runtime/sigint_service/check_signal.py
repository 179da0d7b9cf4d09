#!/usr/bin/env python3
"""Real-signal check (see ../README.md and seed 004: a real SIGINT, not a timeout).

Usage: python3 check_signal.py /path/to/service.py
Starts the service as a subprocess, waits for "ready", sends SIGINT, and
asserts the process exits within EXIT_BOUND seconds and every started worker
printed its "cleanup <i>" line.  Exit 0 if so; else one line on stderr, exit 1.
"""
import os
import re
import signal
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from signal_harness import EXIT_BOUND, NAME, fail, signal_service  # noqa: E402


def main():
    # Let a couple of work units run first, so some cancels land mid-unit.
    outcome = signal_service(signal.SIGINT, settle=0.1)
    if outcome.hung:
        fail(f"hung: still running {EXIT_BOUND}s after SIGINT (killed it); output after SIGINT: {outcome.after[:4]}")
    started = {m.group(1) for l in outcome.seen if (m := re.fullmatch(r"start (\d+)", l))}
    cleaned = {m.group(1) for l in outcome.seen if (m := re.fullmatch(r"cleanup (\d+)", l))}
    if not started:
        fail("no worker ever started")
    missing = sorted(started - cleaned, key=int)
    if missing:
        fail(f"worker(s) {missing} started but never printed their cleanup line (rc={outcome.rc})")
    print(f"{NAME}: ok (exit code {outcome.rc} after SIGINT, {len(started)} workers cleaned up)")


if __name__ == "__main__":
    main()
