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
    # Non-cancel path: batches are flushed; a sink failure propagates.
    mod.log.clear()
    batches = []

    async def sink(batch):
        if batch == ["boom"]:
            raise OSError("disk full")
        batches.append(batch)

    buffer = [1, 2]
    task = asyncio.create_task(mod.flusher(buffer, sink, 0.001))
    await settle("first batch flushed", lambda: batches == [[1, 2]])
    buffer.append("boom")
    await ends_raising(task, OSError, "flusher() whose sink fails")
    expect(mod.log == [] and buffer == [], f"non-cancel path changed: log={mod.log} buffer={buffer}")

    # Cancel path: the handler's log line runs, then the task ends cancelled.
    mod.log.clear()
    batches = []
    buffer = [1]
    task = asyncio.create_task(mod.flusher(buffer, sink, 0.001))
    await settle("first batch flushed", lambda: batches == [[1]])
    buffer.append(3)  # the flusher is asleep now: this item stays unflushed
    task.cancel()
    await ends_cancelled(task, "flusher() cancelled between flushes")
    expect(mod.log == ["flusher stopping, 1 unflushed"], f"handler's own code did not run on cancel: {mod.log}")


if __name__ == "__main__":
    main()
