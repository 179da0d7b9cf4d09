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
# design.md's "Bounded protected cleanup" (a) for two awaits in one `finally`:
# a second cancel during the first skips neither, and they run in order, not
# racing. per_await_shield.py (each await shielded and bounded on its own, the
# form cancelsafe wrote before) must fail on (a).

STEP = 0.1


class Conn:
    def __init__(self):
        self.events = []
        self.flushing = False

    async def flush(self, items):
        self.flushing = True
        self.events.append("flush start")
        await asyncio.sleep(STEP)
        self.events.append(f"flushed {len(items)}")

    async def close(self):
        self.events.append("close start")
        await asyncio.sleep(STEP)
        self.events.append("closed")


class Source:
    def __init__(self, items, end):
        self.items = list(items)
        self.end = end
        self.waiting = False

    async def get(self):
        await asyncio.sleep(0)
        if self.items:
            return self.items.pop(0)
        if self.end:
            return None
        self.waiting = True
        await asyncio.sleep(3600)


DONE = ["flush start", "flushed 2", "close start", "closed"]


async def scenario(mod):
    # (d) No cancel: both run, in order, and the count is returned.
    conn = Conn()
    result = await ends_normally(asyncio.create_task(mod.upload(Source("ab", end=True), conn)), "(d) upload, no cancel")
    expect(result == 2 and conn.events == DONE, f"(d) upload, no cancel: returned {result!r}, events {conn.events}")

    # (a) Cancelled while waiting, then again during the flush: the flush completes, then the
    #     close runs (not skipped, not started before the flush ended), then the task ends cancelled.
    conn = Conn()
    source = Source("ab", end=False)
    task = asyncio.create_task(mod.upload(source, conn))
    await settle("(a) upload waiting for more items", lambda: source.waiting)
    task.cancel()
    await settle("(a) first cancel: the finally starts the flush", lambda: conn.flushing)
    task.cancel()
    await ends_cancelled(task, "(a) upload cancelled, then cancelled again during the flush")
    await settle(f"(a) second cancel during the flush: flush then close, in order (events {conn.events})",
                 lambda: conn.events == DONE, bound=1.0)

    # (b) Normal return, cancel during the flush: both still run and the task ends cancelled.
    conn = Conn()
    task = asyncio.create_task(mod.upload(Source("ab", end=True), conn))
    await settle("(b) normal return reaches the flush", lambda: conn.flushing)
    task.cancel()
    await ends_cancelled(task, "(b) upload cancelled during the flush on the normal path")
    await settle(f"(b) cancel during the flush on the normal path: flush then close (events {conn.events})",
                 lambda: conn.events == DONE, bound=1.0)


if __name__ == "__main__":
    main()
