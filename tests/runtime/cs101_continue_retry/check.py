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
    # Non-cancel path: two refused attempts, then the connection is returned.
    mod.log.clear()
    calls = 0

    async def connect():
        nonlocal calls
        calls += 1
        await asyncio.sleep(0)
        if calls < 3:
            raise ConnectionRefusedError()
        return "conn"

    result = await ends_normally(asyncio.create_task(mod.connect_forever(connect)), "connect_forever() after 2 refusals")
    expect(result == "conn", f"connect_forever() returned {result!r}, expected 'conn'")
    expect(mod.log == ["attempt 1 failed", "attempt 2 failed", "connected on attempt 3"], f"non-cancel path log changed: {mod.log}")

    # Cancel path: every connect() hangs; the cancelled task must stop retrying.
    mod.log.clear()
    attempts = 0

    async def hanging_connect():
        nonlocal attempts
        attempts += 1
        await asyncio.sleep(3600)

    task = asyncio.create_task(mod.connect_forever(hanging_connect))
    await settle("first connect attempt in progress", lambda: attempts == 1)
    task.cancel()
    await ends_cancelled(task, "connect_forever() cancelled mid-attempt (retry loop)")
    expect(mod.log == ["attempt 1 cancelled, retrying"], f"handler's own code did not run exactly once on cancel: {mod.log}")
    expect(attempts == 1, f"the cancelled task retried: {attempts} connect attempts")


if __name__ == "__main__":
    main()
