"""Shared harness of the runtime checks (see README.md); each <scenario>/check.py imports it.

Usage: python3 check.py /path/to/subject.py
Exit 0 when every guarantee holds; else one line on stderr and exit 1.
A check.py defines `async def scenario(mod)` and calls `main()`.
"""
import asyncio
import importlib.util
import logging
import os
import signal
import sys
import traceback

sys.dont_write_bytecode = True  # leave no __pycache__ next to the subject

NAME = os.path.basename(os.path.dirname(os.path.abspath(sys.argv[0])))
BOUND = 2.0  # seconds any single wait may take


def fail(reason):
    # os._exit, not sys.exit: unwinding through asyncio.run would cancel and
    # then wait for a zombie task forever.
    sys.stderr.write(f"{NAME}: FAIL: {reason}\n")
    sys.stderr.flush()
    os._exit(1)


def expect(cond, reason):
    if not cond:
        fail(reason)


def load(path):
    spec = importlib.util.spec_from_file_location(f"cancelsafe_subject_{NAME}", path)
    if spec is None or spec.loader is None:
        fail(f"cannot load {path}")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return mod



def capture_warnings():
    """The messages of the warnings logged from now on."""
    messages = []

    class Capture(logging.Handler):
        def emit(self, record):
            messages.append(record.getMessage())

    logging.getLogger().addHandler(Capture(logging.WARNING))
    return messages


async def settle(what, pred, bound=BOUND):
    """Wait, bounded, until pred() holds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + bound
    while not pred():
        if loop.time() > deadline:
            fail(f"{what}: not reached within {bound}s")
        await asyncio.sleep(0.001)


async def finish(task, what, bound=BOUND):
    # asyncio.wait with a timeout bounds the wait without cancelling the task.
    done, _ = await asyncio.wait({task}, timeout=bound)
    if not done:
        fail(f"{what}: still running {bound}s later (zombie task: cancellation swallowed?)")


async def ends_cancelled(task, what, bound=BOUND):
    await finish(task, what, bound)
    if task.cancelled():
        return
    exc = task.exception()
    if exc is not None:
        fail(f"{what}: ended with {exc!r} instead of ending cancelled")
    fail(f"{what}: returned {task.result()!r} instead of ending cancelled (cancellation swallowed)")


async def ends_normally(task, what, bound=BOUND):
    await finish(task, what, bound)
    if task.cancelled():
        fail(f"{what}: ended cancelled although nothing cancelled it")
    exc = task.exception()
    if exc is not None:
        fail(f"{what}: raised {exc!r}, expected a normal return")
    return task.result()


async def ends_raising(task, exc_type, what, bound=BOUND):
    await finish(task, what, bound)
    if task.cancelled():
        fail(f"{what}: ended cancelled, expected {exc_type.__name__}")
    exc = task.exception()
    if not isinstance(exc, exc_type):
        got = f"{exc!r}" if exc is not None else f"a return of {task.result()!r}"
        fail(f"{what}: expected {exc_type.__name__}, got {got}")
    return exc


async def _run(mod):
    try:
        await sys.modules["__main__"].scenario(mod)
    except BaseException as exc:  # a crash of the check itself is a failure too
        traceback.print_exc()
        fail(f"check crashed: {exc!r}")
    # No task may outlive the scenario in a state that ignores cancellation.
    me = asyncio.current_task()
    rest = [t for t in asyncio.all_tasks() if t is not me]
    for t in rest:
        t.cancel()
    if rest:
        _, pending = await asyncio.wait(rest, timeout=BOUND)
        if pending:
            fail(f"{len(pending)} leftover task(s) ignored cancel at the end (zombie)")


def main():
    if len(sys.argv) != 2:
        sys.stderr.write(f"usage: {sys.argv[0]} /path/to/subject.py\n")
        sys.exit(2)
    signal.signal(signal.SIGALRM, lambda *_: fail("20 s safety net hit: the check hung"))
    signal.alarm(20)
    mod = load(sys.argv[1])
    asyncio.run(_run(mod))
    print(f"{NAME}: ok")


