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


SPINS = 1000  # reads after the cancel that count as a spinning loop


class FlakyStream:
    """Fails once with OSError, gives two frames, then waits; counts reads after a cancel. Its
    read method is `method` (`receive`, trio's `receive_some`)."""

    def __init__(self, method):
        self.script = [OSError("reset"), b"one", b"two"]
        self.cancelled_reads = 0
        self.waiting = False
        setattr(self, method, self._read)

    async def _read(self, *args):
        if self.waiting:
            self.cancelled_reads += 1
            if self.cancelled_reads > SPINS:
                fail(f"the loop spins: {SPINS} reads after the scope was cancelled, the scope never ends")
        await anyio.lowlevel.checkpoint()
        if self.script:
            step = self.script.pop(0)
            if isinstance(step, Exception):
                raise step
            return step
        self.waiting = True
        await anyio.sleep_forever()


async def retry_loop_ends(mod, lib, method, logged):
    """A reader that logs and retries every failure (`mod.keep_reading(stream, frames)`): a
    cancelled scope around it must end, promptly; the OSError is still logged (`logged`, the
    first line of `mod.log`) and retried."""
    mod.log.clear()
    stream, frames = FlakyStream(method), []
    with anyio.move_on_after(BOUND) as guard:
        async with anyio.create_task_group() as tg:
            tg.start_soon(mod.keep_reading, stream, frames)
            await settle(f"[{lib}] reader waiting for a third frame", lambda: stream.waiting)
            tg.cancel_scope.cancel()
    expect(not guard.cancelled_caught, f"[{lib}] the task group did not end after its scope was cancelled")
    ended_cancelled(tg.cancel_scope, f"[{lib}] task group cancelled")
    expect(frames == [b"one", b"two"], f"[{lib}] frames {frames}")
    expect(mod.log[:1] == [logged], f"[{lib}] the OSError was not logged and retried: log {mod.log}")
    expect(stream.cancelled_reads <= 1, f"[{lib}] the reader read again {stream.cancelled_reads} times after the cancel")


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
