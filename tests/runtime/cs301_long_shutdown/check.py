#!/usr/bin/env python3
"""Runtime check for one cancelsafe scenario (see ../README.md; shared helpers in ../harness.py).

Usage: python3 check.py /path/to/subject.py
"""
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from harness import *  # noqa: E402,F403 - fail, expect, settle, finish, ends_*, main, asyncio …

# ---------------------------------------------------------------- scenario ---
# design.md's "Bounded protected cleanup" (e): a whole-service shutdown longer
# than the cleanup timeout (0.3 s here) completes, on the normal path and when
# cancelled during it; it is not capped by the default. short_bound.py (the
# shutdown bounded by the cleanup timeout, the form cancelsafe wrote before)
# must fail on (e).

SHUTDOWN_TIME = 0.8  # longer than --cleanup-timeout 0.3


class Runner:
    def __init__(self):
        self.cleaning = False
        self.cleaned = False

    async def setup(self):
        await asyncio.sleep(0)

    async def cleanup(self):
        self.cleaning = True
        await asyncio.sleep(SHUTDOWN_TIME)  # the requests in flight finish
        self.cleaned = True


async def scenario(mod):
    loop = asyncio.get_running_loop()

    # (e) Normal path: told to stop; the shutdown takes longer than the cleanup timeout.
    runner, stop = Runner(), asyncio.Event()
    task = asyncio.create_task(mod.serve(runner, stop))
    await asyncio.sleep(0.01)
    t0 = loop.time()
    stop.set()
    await ends_normally(task, "(e) app told to stop, graceful shutdown")
    elapsed = loop.time() - t0
    expect(runner.cleaned, f"(e) graceful shutdown longer than the cleanup timeout, no cancel: cut off after {elapsed:.2f}s")

    # (e) Cancelled (Ctrl-C), then cancelled again during the shutdown: it still completes.
    runner, stop = Runner(), asyncio.Event()
    task = asyncio.create_task(mod.serve(runner, stop))
    await asyncio.sleep(0.01)
    task.cancel()
    await settle("(e) first cancel: the shutdown starts", lambda: runner.cleaning)
    await asyncio.sleep(0.05)
    task.cancel()
    await ends_cancelled(task, "(e) app cancelled, then again during the shutdown")
    expect(runner.cleaned, "(e) second cancel during a graceful shutdown longer than the cleanup timeout: cut off")


if __name__ == "__main__":
    main()
