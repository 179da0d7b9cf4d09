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
class Client:
    def __init__(self, mode):
        self.mode = mode
        self.fetching = False

    async def fetch(self):
        self.fetching = True
        await asyncio.sleep(0)
        if self.mode == "ok":
            return {"k": "v"}
        if self.mode == "bad":
            raise ValueError("bad payload")
        await asyncio.sleep(3600)


async def scenario(mod):
    # Non-cancel paths: success, and a ValueError swallowed exactly as before.
    mod.log.clear()
    store = {}
    result = await ends_normally(asyncio.create_task(mod.sync_once(Client("ok"), store)), "sync_once() success")
    expect(result is None and store == {"k": "v"} and mod.log == ["synced"], f"success path changed: {store} {mod.log}")
    mod.log.clear()
    store = {}
    result = await ends_normally(asyncio.create_task(mod.sync_once(Client("bad"), store)), "sync_once() when fetch raises ValueError")
    expect(result is None and store == {}, f"ValueError path changed: {result!r} {store}")
    expect(mod.log == ["sync failed: ValueError"], f"ValueError path log changed: {mod.log}")

    # Cancel path: the log line runs, then the task ends cancelled.
    mod.log.clear()
    client = Client("hang")
    task = asyncio.create_task(mod.sync_once(client, {}))
    await settle("sync waiting on fetch", lambda: client.fetching)
    task.cancel()
    await ends_cancelled(task, "sync_once() cancelled during fetch")
    expect(mod.log == ["sync failed: CancelledError"], f"handler's own code did not run on cancel: {mod.log}")


if __name__ == "__main__":
    main()
