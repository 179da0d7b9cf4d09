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
async def quick():
    await asyncio.sleep(0)
    return "answer"


async def slow():
    await asyncio.sleep(3600)


async def scenario(mod):
    # 1. An answer in time is returned.
    mod.log.clear()
    value = await ends_normally(asyncio.create_task(mod.call_with_deadline(quick, 1.0)), "a quick call")
    expect(value == "answer", f"returned {value!r}")

    # 2. A late answer: the deadline interrupts the call, which returns None, as designed.
    mod.log.clear()
    value = await ends_normally(asyncio.create_task(mod.call_with_deadline(slow, 0.05)), "a call past its deadline")
    expect(value is None, f"returned {value!r}, expected None")
    expect(mod.log == ["deadline passed"], f"log: {mod.log}")


if __name__ == "__main__":
    main()
