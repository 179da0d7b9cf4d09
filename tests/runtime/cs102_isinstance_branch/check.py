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
    async def slow():
        await asyncio.sleep(3600)

    async def broken():
        raise KeyError("k")

    async def fine():
        return 7

    # 1. Cancelled: ends cancelled, after its own logging.
    mod.log.clear()
    task = asyncio.create_task(mod.call(slow))
    await asyncio.sleep(0.01)
    task.cancel()
    await ends_cancelled(task, "a cancelled call")
    expect(mod.log == ["call cancelled"], f"log: {mod.log}")

    # 2. Not cancelled: an error is logged and None returned, as before; a value is returned.
    mod.log.clear()
    value = await ends_normally(asyncio.create_task(mod.call(broken)), "a failing call")
    expect(value is None and mod.log == ["call failed: KeyError('k')"], f"{value!r}, log: {mod.log}")
    value = await ends_normally(asyncio.create_task(mod.call(fine)), "a call that works")
    expect(value == 7, f"returned {value!r}")


if __name__ == "__main__":
    main()
