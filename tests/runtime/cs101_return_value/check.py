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
class Conn:
    def __init__(self, mode):
        self.mode = mode
        self.pinging = False

    async def ping(self):
        self.pinging = True
        if self.mode == "ok":
            await asyncio.sleep(0)
            return
        if self.mode == "down":
            await asyncio.sleep(0)
            raise ConnectionRefusedError("down")
        await asyncio.sleep(3600)  # "hang": only a cancel ends it


async def scenario(mod):
    # Non-cancel paths: the value is still returned, errors still propagate.
    mod.log.clear()
    result = await ends_normally(asyncio.create_task(mod.probe(Conn("ok"))), "probe() of a healthy conn")
    expect(result is True, f"probe() of a healthy conn returned {result!r}, expected True")
    expect(mod.log == ["probe ok"], f"non-cancel path log changed: {mod.log}")
    mod.log.clear()
    await ends_raising(asyncio.create_task(mod.probe(Conn("down"))), ConnectionRefusedError, "probe() of a down conn")
    expect(mod.log == [], f"error path log changed: {mod.log}")

    # Cancel path.
    mod.log.clear()
    conn = Conn("hang")
    task = asyncio.create_task(mod.probe(conn))
    await settle("probe waiting on ping", lambda: conn.pinging)
    task.cancel()
    await ends_cancelled(task, "probe() cancelled during ping")
    expect(mod.log == ["probe cancelled"], f"handler's own code did not run on cancel: {mod.log}")


if __name__ == "__main__":
    main()
