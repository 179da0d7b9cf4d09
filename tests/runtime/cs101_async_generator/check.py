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
class WatchedQueue(asyncio.Queue):
    waiting = 0

    async def get(self):
        self.waiting += 1
        try:
            return await super().get()
        finally:
            self.waiting -= 1


async def scenario(mod):
    # Non-cancel path.
    mod.log.clear()
    queue = WatchedQueue()
    for item in ("a", "b", None):
        queue.put_nowait(item)
    result = await ends_normally(asyncio.create_task(mod.collect(queue)), "collect() of a, b, None")
    expect(result == ["a", "b"] and mod.log == ["collected"], f"non-cancel path changed: {result!r} {mod.log}")

    # Cancel path: the consumer is cancelled while the generator awaits the queue.
    mod.log.clear()
    queue = WatchedQueue()
    queue.put_nowait("a")
    task = asyncio.create_task(mod.collect(queue))
    await settle("generator waiting on an empty queue", lambda: queue.empty() and queue.waiting)
    task.cancel()
    await ends_cancelled(task, "collect() cancelled inside `async for`")
    expect(mod.log == ["lines() cancelled"], f"handler's own code did not run, or the consumer went on: {mod.log}")


if __name__ == "__main__":
    main()
