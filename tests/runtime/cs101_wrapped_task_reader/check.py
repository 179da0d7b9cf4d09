#!/usr/bin/env python3
"""Runtime check for one cancelsafe scenario (see ../README.md; shared helpers in ../harness.py).

Usage: python3 check.py /path/to/subject.py
"""
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from harness import *  # noqa: E402,F403 - fail, expect, settle, finish, ends_*, main, asyncio …

# design.md's "Nothing else changes": nobody cancels `start()`; when the deadline passes it
# returns None, as it always did. harmful.py (the re-raise, classed safe) makes it raise
# TimeoutError instead.


async def scenario(mod):
    in_time = await ends_normally(asyncio.create_task(mod.Service(0.01).start(1.0)), "start() of a worker that finishes in time")
    expect(in_time == "result", f"start() returned {in_time!r} for a worker that finished in time")
    task = asyncio.create_task(mod.Service(3600).start(0.05))
    await finish(task, "start() of a worker past its deadline")
    if task.exception() is not None:
        fail(f"start() raised {task.exception()!r} past the deadline, where it returned None (nobody cancelled it)")
    expect(task.result() is None, f"start() returned {task.result()!r} past the deadline")


if __name__ == "__main__":
    main()
