#!/usr/bin/env python3
"""Real-signal check (see ../README.md and seed 004: a real SIGINT, not a timeout).

Usage: python3 check_signal.py /path/to/service.py
Starts the service as a subprocess, waits for "ready", sends SIGINT, and
asserts the process exits within EXIT_BOUND seconds and every started worker
printed its "cleanup <i>" line.  Exit 0 if so; else one line on stderr, exit 1.
"""
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time

NAME = os.path.basename(os.path.dirname(os.path.abspath(__file__)))
READY_BOUND = 5.0  # interpreter start-up + import
EXIT_BOUND = 3.0
proc = None


def fail(reason):
    if proc is not None and proc.poll() is None:
        proc.kill()
        proc.wait()
    sys.stderr.write(f"{NAME}: FAIL: {reason}\n")
    sys.stderr.flush()
    os._exit(1)


def main():
    global proc
    if len(sys.argv) != 2:
        sys.stderr.write(f"usage: {sys.argv[0]} /path/to/service.py\n")
        sys.exit(2)
    signal.signal(signal.SIGALRM, lambda *_: fail("20 s safety net hit: the check hung"))
    signal.alarm(20)

    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1", PYTHONUNBUFFERED="1")
    proc = subprocess.Popen(
        [sys.executable, sys.argv[1]],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        # If whoever runs this check ignores SIGINT, the child would inherit
        # SIG_IGN and Python would not install its KeyboardInterrupt handler;
        # restore the default so the service sees the signal as a user would.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    lines = queue.Queue()
    seen = []

    def pump(stream, sink):
        for line in stream:
            sink.put(line.rstrip("\n"))
        sink.put(None)

    errs = []
    threading.Thread(target=pump, args=(proc.stdout, lines), daemon=True).start()
    threading.Thread(target=lambda: errs.extend(proc.stderr), daemon=True).start()

    deadline = time.monotonic() + READY_BOUND
    while "ready" not in seen:
        try:
            line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            fail(f"no 'ready' line within {READY_BOUND}s; got {seen}")
        if line is None:
            fail(f"service exited before 'ready' (rc={proc.wait()}): {''.join(errs)[-300:]!r}")
        seen.append(line)

    time.sleep(0.1)  # let a couple of work units run, so some cancels land mid-unit
    proc.send_signal(signal.SIGINT)
    try:
        rc = proc.wait(timeout=EXIT_BOUND)
        hung = False
    except subprocess.TimeoutExpired:
        proc.kill()
        rc = proc.wait()
        hung = True

    # Drain the rest of stdout (the process is gone, EOF comes promptly).
    while True:
        try:
            line = lines.get(timeout=2.0)
        except queue.Empty:
            break
        if line is None:
            break
        seen.append(line)
    after = seen[seen.index("ready") + 1:]
    if hung:
        fail(f"hung: still running {EXIT_BOUND}s after SIGINT (killed it); output after SIGINT: {after[:4]}")

    started = {m.group(1) for l in seen if (m := re.fullmatch(r"start (\d+)", l))}
    cleaned = {m.group(1) for l in seen if (m := re.fullmatch(r"cleanup (\d+)", l))}
    if not started:
        fail("no worker ever started")
    missing = sorted(started - cleaned, key=int)
    if missing:
        fail(f"worker(s) {missing} started but never printed their cleanup line (rc={rc})")
    print(f"{NAME}: ok (exit code {rc} after SIGINT, {len(started)} workers cleaned up)")


if __name__ == "__main__":
    main()
