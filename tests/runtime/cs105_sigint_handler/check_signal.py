#!/usr/bin/env python3
"""Real-signal check (see ../README.md and seed 004, pitfall 1: KeyboardInterrupt in async code).

Usage: python3 check_signal.py /path/to/service.py
Starts the service as a real subprocess under asyncio.run(), waits for "ready", presses Ctrl-C
(a real SIGINT), and asserts that the process exits within EXIT_BOUND seconds, that main()'s
Ctrl-C handler ran ("state saved"), and that the exit is still the one Ctrl-C gives: asyncio.run()
raises KeyboardInterrupt, which the script's own handler turns into "interrupted" and exit 0.
Exit 0 if so; else one line on stderr, exit 1.
"""
import os
import signal
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from signal_harness import EXIT_BOUND, NAME, fail, signal_service  # noqa: E402


def main():
    outcome = signal_service(signal.SIGINT, settle=0.1)
    after, rc = outcome.after, outcome.rc
    if outcome.hung:
        fail(f"hung: still running {EXIT_BOUND}s after SIGINT (killed it); output after SIGINT: {after[-4:]}")
    saved = [line for line in after if line.startswith("state saved")]
    if not saved:
        fail(f"main()'s Ctrl-C handler never ran: no 'state saved' line (rc={rc}); output after SIGINT: {after[-4:]}")
    if after[-1:] != ["interrupted"]:
        fail(f"the run did not end as a Ctrl-C does (KeyboardInterrupt out of asyncio.run()); output after SIGINT: {after[-4:]}")
    if rc != 0:
        fail(f"exit code {rc}, expected 0; stderr: {outcome.stderr[-300:]!r}")
    print(f"{NAME}: ok ({saved[0]} after SIGINT, then KeyboardInterrupt out of asyncio.run())")


if __name__ == "__main__":
    main()
