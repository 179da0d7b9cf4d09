#!/usr/bin/env python3
"""Real-signal check (see ../README.md and seed 003: SIGTERM handled by a task the handler spawns).

Usage: python3 check_signal.py /path/to/service.py
Starts the service as a subprocess, waits for "ready", sends a real SIGTERM, and
asserts the process exits with code 0 within EXIT_BOUND seconds, after printing
"shutdown complete" (graceful_shutdown ran to its end), with no asyncio task-loss
report on stderr.  Exit 0 if so; else one line on stderr, exit 1.
"""
import os
import queue
import signal
import subprocess
import sys
import threading
import time

NAME = os.path.basename(os.path.dirname(os.path.abspath(__file__)))
READY_BOUND = 5.0  # interpreter start-up + import
EXIT_BOUND = 3.0
BAD_STDERR = ("Task was destroyed but it is pending", "Task exception was never retrieved")
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
    )
    lines = queue.Queue()
    seen = []
    errs = []

    def pump(stream, sink):
        for line in stream:
            sink.put(line.rstrip("\n"))
        sink.put(None)

    threading.Thread(target=pump, args=(proc.stdout, lines), daemon=True).start()
    err_reader = threading.Thread(target=lambda: errs.extend(proc.stderr), daemon=True)
    err_reader.start()

    deadline = time.monotonic() + READY_BOUND
    while "ready" not in seen:
        try:
            line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            fail(f"no 'ready' line within {READY_BOUND}s; got {seen}")
        if line is None:
            fail(f"service exited before 'ready' (rc={proc.wait()}): {''.join(errs)[-300:]!r}")
        seen.append(line)

    time.sleep(0.15)  # let the service run a little: consumers mid-unit, a few heartbeats
    proc.send_signal(signal.SIGTERM)
    try:
        rc = proc.wait(timeout=EXIT_BOUND)
        hung = False
    except subprocess.TimeoutExpired:
        proc.kill()
        rc = proc.wait()
        hung = True

    # Drain the rest of stdout and stderr (the process is gone, EOF comes promptly).
    while True:
        try:
            line = lines.get(timeout=2.0)
        except queue.Empty:
            break
        if line is None:
            break
        seen.append(line)
    err_reader.join(timeout=2.0)
    stderr = "".join(errs)
    after = seen[seen.index("ready") + 1:]
    bad = [b for b in BAD_STDERR if b in stderr]
    if hung:
        why = f"; stderr reports {bad[0]!r}" if bad else ""
        fail(f"hung: still running {EXIT_BOUND}s after SIGTERM (killed it){why}; output after SIGTERM: {after[-4:]}")
    if "shutdown complete" not in after:
        fail(f"exited (rc={rc}) without graceful_shutdown completing; output after SIGTERM: {after[-4:]}")
    if rc != 0:
        fail(f"exit code {rc} after SIGTERM, expected 0; stderr: {stderr[-300:]!r}")
    if bad:
        fail(f"stderr reports {bad[0]!r}: {stderr[-300:]!r}")
    started = [l for l in seen if l.startswith("start ")]
    drained = [l for l in after if l.startswith("drained ")]
    if not started or len(drained) != len(started):
        fail(f"{len(started)} consumers started but {len(drained)} drained")
    print(f"{NAME}: ok (exit code 0 after SIGTERM, shutdown complete, {len(drained)} consumers drained)")


if __name__ == "__main__":
    main()
