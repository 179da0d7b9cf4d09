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
async def slow_work():
    await asyncio.sleep(3600)


async def quick_work():
    return 42


async def scenario(mod):
    # 1. Not cancelled: aborting a running job answers True, as before.
    mod.log.clear()
    job = mod.Job(slow_work)
    await asyncio.sleep(0)
    answer = await ends_normally(asyncio.create_task(job.abort()), "abort() of a running job (nobody cancelled the caller)")
    expect(answer is True, f"abort() returned {answer!r}, expected True")
    expect(mod.log == ["aborted"], f"log: {mod.log}")

    # 2. Not cancelled: a job that already finished cannot be aborted: False, as before.
    mod.log.clear()
    job = mod.Job(quick_work)
    await asyncio.sleep(0.01)
    answer = await ends_normally(asyncio.create_task(job.abort()), "abort() of a finished job")
    expect(answer is False, f"abort() returned {answer!r}, expected False")

    # 3. The caller's own cancel while abort() waits: the caller ends cancelled.
    mod.log.clear()

    async def stubborn():
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            await asyncio.sleep(0.2)  # takes its time to honour the abort
            raise

    job = mod.Job(stubborn)
    await asyncio.sleep(0)
    caller = asyncio.create_task(job.abort())
    await asyncio.sleep(0.05)
    caller.cancel()
    await ends_cancelled(caller, "abort() whose caller is cancelled while it waits")


if __name__ == "__main__":
    main()
