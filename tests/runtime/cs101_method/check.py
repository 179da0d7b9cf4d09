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
class Writer:
    def __init__(self):
        self.data = []
        self.closed = False

    def write(self, data):
        self.data.append(data)

    def close(self):
        self.closed = True


async def scenario(mod):
    # Non-cancel path.
    mod.log.clear()
    reader, writer = asyncio.Queue(), Writer()
    for msg in (b"hi", None):
        reader.put_nowait(msg)
    result = await ends_normally(asyncio.create_task(mod.Connection(reader, writer).serve()), "serve() of hi, EOF")
    expect(result is None and writer.data == [b"echo hi"] and not writer.closed and mod.log == ["eof"],
           f"non-cancel path changed: {writer.data} closed={writer.closed} {mod.log}")

    # Cancel path.
    mod.log.clear()
    reader, writer = asyncio.Queue(), Writer()
    reader.put_nowait(b"hi")
    task = asyncio.create_task(mod.Connection(reader, writer).serve())
    await settle("connection waiting for the next message", lambda: writer.data == [b"echo hi"])
    task.cancel()
    await ends_cancelled(task, "Connection.serve() cancelled while waiting")
    expect(writer.closed and mod.log == ["connection cancelled"], f"handler's own code did not run on cancel: closed={writer.closed} {mod.log}")


if __name__ == "__main__":
    main()
