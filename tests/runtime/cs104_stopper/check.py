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
class SlowJob:
    """A child's work, injected by the check (so the tool never rewrites it):
    runs until cancelled, then takes a moment to honour the cancel, so that a
    cancel of the task awaiting the child lands during `await child`."""

    def __init__(self, fail_with=None):
        self.fail_with = fail_with
        self.running = False
        self.cleaning = False
        self.finished_cleanup = False

    async def __call__(self, *args):
        self.running = True
        if self.fail_with is not None:
            await asyncio.sleep(0)
            raise self.fail_with
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            self.cleaning = True
            await asyncio.sleep(0.05)  # e.g. flushing; a second cancel cuts it short
            self.finished_cleanup = True
            raise


async def scenario(mod):
    # 1. stop() from a task nobody cancelled: returns normally.
    mod.log.clear()
    tick = SlowJob()
    ticker = mod.Ticker(tick)
    ticker.start()
    await settle("ticker running", lambda: tick.running)
    result = await ends_normally(asyncio.create_task(ticker.stop()), "stop() (nobody cancelled the stopper)")
    expect(result is None, f"stop() returned {result!r}")
    expect(ticker._task.cancelled() and tick.finished_cleanup, "the ticker task was not cancelled and awaited")
    expect(mod.log == ["ticker stopped"], f"the ticker's finally did not run: {mod.log}")

    # 2. stop() cancelled while awaiting the slow-to-cancel ticker: ends cancelled.
    mod.log.clear()
    tick = SlowJob()
    ticker = mod.Ticker(tick)
    ticker.start()
    await settle("ticker running", lambda: tick.running)
    stopper = asyncio.create_task(ticker.stop())
    await settle("ticker honouring its cancel while stop() awaits it", lambda: tick.cleaning)
    stopper.cancel()
    await ends_cancelled(stopper, "stop() cancelled while awaiting the ticker")
    expect(ticker._task.cancelled(), "the ticker task did not end cancelled")

    # 3. Non-cancel path: a ticker that crashed still makes stop() raise its error.
    mod.log.clear()
    tick = SlowJob(fail_with=RuntimeError("clock broke"))
    ticker = mod.Ticker(tick)
    ticker.start()
    await settle("ticker crashed", lambda: ticker._task.done())
    await ends_raising(asyncio.create_task(ticker.stop()), RuntimeError, "stop() of a crashed ticker")


if __name__ == "__main__":
    main()
