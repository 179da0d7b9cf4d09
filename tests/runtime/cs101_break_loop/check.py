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
    # Non-cancel path: the `break` on None still ends the pump normally.
    mod.log.clear()
    source, sink = asyncio.Queue(), []
    for item in ("a", "b", None, "after"):
        source.put_nowait(item)
    result = await ends_normally(asyncio.create_task(mod.pump(source, sink)), "pump() of a, b, None")
    expect(result is None and sink == ["a", "b"] and mod.log == [], f"non-cancel path changed: {sink} {mod.log}")

    # Cancel path.
    mod.log.clear()
    source, sink = asyncio.Queue(), []
    source.put_nowait("a")
    task = asyncio.create_task(mod.pump(source, sink))
    await settle("pump waiting on an empty queue", lambda: sink == ["a"])
    task.cancel()
    await ends_cancelled(task, "pump() cancelled while waiting on the queue")
    expect(mod.log == ["pump cancelled"], f"handler's own code did not run on cancel: {mod.log}")


if __name__ == "__main__":
    main()
