#!/usr/bin/env python3
"""Real-signal check (see ../README.md): Ctrl-C must still end the service quietly.

Usage: python3 check_signal.py /path/to/service.py
Starts the service as a subprocess, waits for "ready", sends a real SIGINT, and requires exit
status 0 within EXIT_BOUND seconds, the "clean exit" line, and no traceback on stderr.
"""
import os
import signal
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from signal_harness import EXIT_BOUND, NAME, fail, signal_service  # noqa: E402


def main():
    outcome = signal_service(signal.SIGINT, settle=0.1)
    if outcome.hung:
        fail(f"hung: still running {EXIT_BOUND}s after SIGINT")
    if "Traceback" in outcome.stderr:
        last = outcome.stderr.strip().splitlines()[-1]
        fail(f"Ctrl-C ended in a traceback ({last}), rc={outcome.rc}")
    if outcome.rc != 0:
        fail(f"exit status {outcome.rc} after SIGINT, expected 0 (a quiet exit)")
    if not any(line.startswith("clean exit") for line in outcome.after):
        fail(f"main() did not reach its clean exit: {outcome.after}")
    print(f"{NAME}: ok (exit status 0 after SIGINT, no traceback)")


if __name__ == "__main__":
    main()
