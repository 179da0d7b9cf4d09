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
    def __init__(self, abort_fails):
        self.abort_fails = abort_fails

    async def send(self, blob):
        await asyncio.sleep(3600 if blob == "big" else 0)

    def abort(self):
        if self.abort_fails:
            raise OSError("connection already gone")


async def scenario(mod):
    # 1. Cancelled, and the abort fails: the task still ends cancelled (not with the OSError).
    mod.log.clear()
    task = asyncio.create_task(mod.upload(Conn(abort_fails=True), "big"))
    await asyncio.sleep(0.01)
    task.cancel()
    await ends_cancelled(task, "upload cancelled while its abort fails")
    expect(mod.log == ["abort failed"], f"log: {mod.log}")

    # 2. Cancelled, the abort works: ends cancelled.
    mod.log.clear()
    task = asyncio.create_task(mod.upload(Conn(abort_fails=False), "big"))
    await asyncio.sleep(0.01)
    task.cancel()
    await ends_cancelled(task, "upload cancelled")
    expect(mod.log == ["upload cancelled"], f"log: {mod.log}")

    # 3. Not cancelled: sent as before.
    mod.log.clear()
    await ends_normally(asyncio.create_task(mod.upload(Conn(abort_fails=True), "small")), "an upload nobody cancelled")
    expect(mod.log == ["sent"], f"log: {mod.log}")


if __name__ == "__main__":
    main()
