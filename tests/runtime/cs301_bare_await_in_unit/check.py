#!/usr/bin/env python3
"""Runtime check for one cancelsafe scenario (see ../README.md; shared helpers in ../harness.py).

Usage: python3 check.py /path/to/subject.py
"""
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from harness import *  # noqa: E402,F403 - fail, expect, settle, finish, ends_*, main, asyncio …

EVENTS = ["e1", "e2", "e3"]


class Analytics:
    def __init__(self, error=None):
        self.recording = False
        self.recorded = []
        self.error = error

    async def record(self, event):
        self.recording = True
        await asyncio.sleep(0.05)
        if self.error is not None:
            raise self.error
        self.recorded.append(event)


async def scenario(mod):
    # Non-cancel path: every event is reset and recorded, the result is returned; an error of
    # the analytics propagates unchanged.
    queue = mod.Queue(Analytics())
    await ends_normally(asyncio.create_task(queue.process(EVENTS, lambda: asyncio.sleep(0.01))), "process() with no cancel")
    expect(queue.reset == EVENTS and queue.analytics.recorded == EVENTS, f"no cancel: reset {queue.reset}, recorded {queue.analytics.recorded}")
    queue = mod.Queue(Analytics(error=KeyError("analytics down")))
    await ends_raising(asyncio.create_task(queue.process(EVENTS, lambda: asyncio.sleep(0.01))), KeyError, "process() whose analytics fail")

    # Cancelled while working, and again while the analytics of the first event are recorded:
    # the later resets still run, and the task ends cancelled.
    queue = mod.Queue(Analytics())
    task = asyncio.create_task(queue.process(EVENTS, lambda: asyncio.sleep(3600)))
    await asyncio.sleep(0.02)
    task.cancel()
    await settle("the first analytics record starts", lambda: queue.analytics.recording)
    task.cancel()
    await ends_cancelled(task, "process() cancelled, then cancelled again at the analytics await")
    expect(queue.reset == EVENTS, f"the second cancel skipped the later resets: reset {queue.reset}")


if __name__ == "__main__":
    main()
