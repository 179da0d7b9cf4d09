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
    # Non-cancel path: values are logged; a fetch error propagates.
    mod.log.clear()
    values = iter([1, 2])

    async def fetch():
        await asyncio.sleep(0)
        return next(values)  # StopIteration -> RuntimeError inside a coroutine

    await ends_raising(asyncio.create_task(mod.poll(fetch, 0)), RuntimeError, "poll() whose fetch fails")
    expect(mod.log == ["value 1", "value 2"], f"non-cancel path log changed: {mod.log}")

    # Cancel path, while sleeping between fetches.
    mod.log.clear()

    async def fetch_ok():
        await asyncio.sleep(0)
        return 7

    task = asyncio.create_task(mod.poll(fetch_ok, 3600))
    await settle("poller sleeping after a fetch", lambda: mod.log == ["value 7"])
    task.cancel()
    await ends_cancelled(task, "poll() cancelled between fetches")
    expect(mod.log == ["value 7", "poller stopped"], f"handler's own code did not run on cancel: {mod.log}")


if __name__ == "__main__":
    main()
