"""Shared harness of the real-signal checks (see README.md): start a service as a real
subprocess, wait for its "ready" line, send a real signal, and collect what it printed.

A check_signal.py calls `signal_service(signum, settle)` and asserts on the result; `fail`
kills the service if it is still running and exits 1 with one line on stderr.
"""
import os
import queue
import signal
import subprocess
import sys
import threading
import time

NAME = os.path.basename(os.path.dirname(os.path.abspath(sys.argv[0])))
READY_BOUND = 5.0  # interpreter start-up + import
EXIT_BOUND = 3.0
_proc = None


def fail(reason):
    if _proc is not None and _proc.poll() is None:
        _proc.kill()
        _proc.wait()
    sys.stderr.write(f"{NAME}: FAIL: {reason}\n")
    sys.stderr.flush()
    os._exit(1)


class Outcome:
    def __init__(self, rc, hung, seen, stderr):
        self.rc = rc
        self.hung = hung  # still running EXIT_BOUND s after the signal (then killed)
        self.seen = seen  # every stdout line
        self.after = seen[seen.index("ready") + 1:]  # stdout lines after "ready"
        self.stderr = stderr


def signal_service(signum, settle):
    """Runs sys.argv[1] as a service, sends `signum` `settle` seconds after "ready"."""
    global _proc
    if len(sys.argv) != 2:
        sys.stderr.write(f"usage: {sys.argv[0]} /path/to/service.py\n")
        sys.exit(2)
    signal.signal(signal.SIGALRM, lambda *_: fail("20 s safety net hit: the check hung"))
    signal.alarm(20)

    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1", PYTHONUNBUFFERED="1")
    _proc = subprocess.Popen(
        [sys.executable, sys.argv[1]],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        # If whoever runs this check ignores the signal, the child would inherit SIG_IGN and
        # Python would not install its handler; restore the default as a user's shell has it.
        preexec_fn=lambda: signal.signal(signum, signal.SIG_DFL),
    )
    lines = queue.Queue()
    seen = []
    errs = []

    def pump(stream, sink):
        for line in stream:
            sink.put(line.rstrip("\n"))
        sink.put(None)

    threading.Thread(target=pump, args=(_proc.stdout, lines), daemon=True).start()
    err_reader = threading.Thread(target=lambda: errs.extend(_proc.stderr), daemon=True)
    err_reader.start()

    deadline = time.monotonic() + READY_BOUND
    while "ready" not in seen:
        try:
            line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            fail(f"no 'ready' line within {READY_BOUND}s; got {seen}")
        if line is None:
            fail(f"service exited before 'ready' (rc={_proc.wait()}): {''.join(errs)[-300:]!r}")
        seen.append(line)

    time.sleep(settle)
    _proc.send_signal(signum)
    try:
        rc = _proc.wait(timeout=EXIT_BOUND)
        hung = False
    except subprocess.TimeoutExpired:
        _proc.kill()
        rc = _proc.wait()
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
    return Outcome(rc, hung, seen, "".join(errs))
