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
async def scenario(mod):
    # Non-cancel path: unchanged.
    queue = asyncio.Queue()
    for item in (1, 2, None):
        queue.put_nowait(item)
    mod.log.clear()
    result = await ends_normally(asyncio.create_task(mod.consume(queue)), "consume() of 1, 2, None")
    expect(result is None, f"consume() returned {result!r}, expected None")
    expect(mod.log == ["start", "item 1", "item 2", "eof"], f"non-cancel path log changed: {mod.log}")

    # Cancel path: handler code runs, then the task ends cancelled.
    mod.log.clear()
    queue = asyncio.Queue()
    queue.put_nowait(1)
    task = asyncio.create_task(mod.consume(queue))
    await settle("consumer blocked on an empty queue", lambda: mod.log == ["start", "item 1"])
    task.cancel()
    await ends_cancelled(task, "consume() cancelled while waiting on the queue")
    expect(mod.log[-1:] == ["consumer cancelled"], f"handler's own code did not run on cancel: {mod.log}")


if __name__ == "__main__":
    main()
