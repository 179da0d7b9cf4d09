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
    # (a) Cancelled (a Ctrl-C under asyncio.run()): the handler's cleanup runs, the task ends
    #     cancelled.
    mod.log.clear()
    started = asyncio.Event()

    async def forever():
        started.set()
        await asyncio.sleep(3600)

    task = asyncio.create_task(mod.run_job(forever))
    await settle("job started", started.is_set)
    task.cancel()
    await finish(task, "(a) the cancelled job")
    expect(mod.log == ["interrupted"], f"(a) the Ctrl-C handler's cleanup did not run on cancel: log {mod.log}")
    await ends_cancelled(task, "(a) the cancelled job")

    # (b) A real KeyboardInterrupt inside the job takes the handler's path as before.
    mod.log.clear()

    async def interrupted():
        await asyncio.sleep(0)
        raise KeyboardInterrupt

    result = await ends_normally(asyncio.create_task(mod.run_job(interrupted)), "(b) a KeyboardInterrupt")
    expect(result == "interrupted" and mod.log == ["interrupted"], f"(b) returned {result!r}, log {mod.log}")

    # (c) No interrupt, no cancel: unchanged.
    mod.log.clear()

    async def five():
        await asyncio.sleep(0)
        return 5

    result = await ends_normally(asyncio.create_task(mod.run_job(five)), "(c) a normal run")
    expect(result == 5 and mod.log == ["finished"], f"(c) returned {result!r}, log {mod.log}")


if __name__ == "__main__":
    main()
