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
class Transport:
    def __init__(self, mode):
        self.mode = mode
        self.written = []
        self.closed = False
        self.in_roundtrip = False
        self.drained = False

    def write(self, data):
        self.written.append(data)

    async def drain(self):
        await asyncio.sleep(0)
        self.drained = True

    def close(self):
        self.closed = True

    async def roundtrip(self, payload):
        self.in_roundtrip = True
        if self.mode == "ok":
            await asyncio.sleep(0)
            return b"re: " + payload
        if self.mode == "reset":
            await asyncio.sleep(0)
            raise ConnectionResetError("peer reset")
        await asyncio.sleep(3600)


async def scenario(mod):
    # Non-cancel paths unchanged.
    mod.log.clear()
    tr = Transport("ok")
    result = await ends_normally(asyncio.create_task(mod.Session(tr).request(b"x")), "request() answered")
    expect(result == b"re: x", f"request() returned {result!r}, expected b're: x'")
    expect(mod.log == ["replied"] and tr.written == [] and not tr.closed, f"non-cancel path changed: {mod.log} {tr.written}")
    mod.log.clear()
    tr = Transport("reset")
    await ends_raising(asyncio.create_task(mod.Session(tr).request(b"x")), ConnectionResetError, "request() on a reset peer")
    expect(mod.log == [] and not tr.closed, f"error path changed: {mod.log}")

    # Cancel path: the side effect of the returned expression still happens.
    mod.log.clear()
    tr = Transport("hang")
    task = asyncio.create_task(mod.Session(tr).request(b"x"))
    await settle("request waiting on the reply", lambda: tr.in_roundtrip)
    task.cancel()
    await ends_cancelled(task, "request() cancelled while waiting for the reply")
    expect(tr.written == [b"ABORT cancelled\n"] and tr.drained and tr.closed,
           f"the `return await self._abort(...)` side effect did not run on cancel: written={tr.written} closed={tr.closed}")
    expect(mod.log == ["request cancelled", "aborted: cancelled"], f"handler's own code did not run on cancel: {mod.log}")


if __name__ == "__main__":
    main()
