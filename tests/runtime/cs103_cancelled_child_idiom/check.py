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
    # 1. Stopper not cancelled: stop() returns normally, the child ends cancelled.
    mod.log.clear()
    job = SlowJob()
    poller = mod.Poller(job)
    poller.start()
    await settle("child running", lambda: job.running)
    stopper = asyncio.create_task(poller.stop())
    result = await ends_normally(stopper, "stop() (nobody cancelled the stopper)")
    expect(result is None, f"stop() returned {result!r}")
    expect(poller._child.cancelled(), "the child did not end cancelled")
    expect(job.finished_cleanup, "stop() returned before the child finished its cancellation")

    # 2. Stopper cancelled while awaiting the slow-to-cancel child: it ends cancelled.
    mod.log.clear()
    job = SlowJob()
    poller = mod.Poller(job)
    poller.start()
    await settle("child running", lambda: job.running)
    stopper = asyncio.create_task(poller.stop())
    await settle("child honouring its cancel while stop() awaits it", lambda: job.cleaning)
    stopper.cancel()
    await ends_cancelled(stopper, "stop() cancelled while awaiting the child")
    expect(poller._child.done() and poller._child.cancelled(), "the child did not end cancelled")

    # 3. Non-cancel path: a child that crashed still makes stop() raise its error.
    mod.log.clear()
    job = SlowJob(fail_with=ValueError("poll failed"))
    poller = mod.Poller(job)
    poller.start()
    await settle("child crashed", lambda: poller._child.done())
    await ends_raising(asyncio.create_task(poller.stop()), ValueError, "stop() of a crashed child")
    expect(mod.log == ["stopping"], f"stop() log changed: {mod.log}")


if __name__ == "__main__":
    main()
