"""Shared harness of the anyio and trio runtime checks (see README.md): the same calling
convention and failure line as harness.py, with waits bounded by the library's own clock.

Usage: python check.py /path/to/subject.py   (the test virtualenv's Python: the scenario has a
`venv` file)
A check.py defines `async def scenario(mod, lib)` and calls `main(BACKENDS)`; `lib` is the
library the scenario runs under (anyio on "asyncio" or "trio", or plain "trio").
"""
import math
import signal
import sys

from harness import NAME, expect, fail, load  # noqa: F401 - re-exported for check.py

import anyio

BOUND = 2.0  # seconds any single wait may take


async def settle(what, pred, bound=BOUND):
    """Wait, bounded, until pred() holds."""
    with anyio.move_on_after(bound) as scope:
        while not pred():
            await anyio.sleep(0.001)
    if scope.cancelled_caught:
        fail(f"{what}: not reached within {bound}s")


async def within(what, coroutine_function, *args, bound=BOUND):
    """Run `coroutine_function(*args)` under a deadline; fail if it ignores the cancel."""
    with anyio.move_on_after(bound) as scope:
        result = await coroutine_function(*args)
        return result
    fail(f"{what}: still running {bound}s later (cancellation swallowed?)")


def ended_cancelled(scope, what):
    """The scope that was cancelled caught its own cancellation: the code inside ended as the
    library requires, by the cancellation reaching its scope."""
    expect(scope.cancel_called, f"{what}: the check never cancelled the scope")
    expect(scope.cancelled_caught, f"{what}: the cancelled scope ended without the cancellation reaching it (swallowed on the way)")


def main(backends):
    if len(sys.argv) != 2:
        sys.stderr.write(f"usage: {sys.argv[0]} /path/to/subject.py\n")
        sys.exit(2)
    signal.signal(signal.SIGALRM, lambda *_: fail("20 s safety net hit: the check hung"))
    signal.alarm(20)
    mod = load(sys.argv[1])
    scenario = sys.modules["__main__"].scenario
    for backend in backends:
        if backend == "trio-native":
            import trio

            trio.run(scenario, mod, backend)
        else:
            anyio.run(scenario, mod, backend, backend=backend)
    print(f"{NAME}: ok ({', '.join(backends)})")


INF = math.inf
