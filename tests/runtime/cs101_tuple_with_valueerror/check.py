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
class Reader:
    def __init__(self, line=None, error=None):
        self.line = line
        self.error = error
        self.reading = False

    async def readline(self):
        self.reading = True
        await asyncio.sleep(0)
        if self.error is not None:
            raise self.error
        if self.line is None:
            await asyncio.sleep(3600)
        return self.line


async def scenario(mod):
    # Non-cancel paths: a record; garbage (ValueError) still gives None; I/O errors propagate.
    mod.log.clear()
    result = await ends_normally(asyncio.create_task(mod.next_record(Reader('{"a": 1}'))), "next_record() of valid JSON")
    expect(result == {"a": 1} and mod.log == ["record"], f"valid path changed: {result!r} {mod.log}")
    mod.log.clear()
    result = await ends_normally(asyncio.create_task(mod.next_record(Reader("{not json"))), "next_record() of garbage (ValueError path)")
    expect(result is None, f"ValueError path now returns {result!r}, expected None")
    expect(mod.log == ["no record"], f"ValueError path log changed: {mod.log}")
    mod.log.clear()
    result = await ends_normally(asyncio.create_task(mod.next_record(Reader(error=ValueError("bad frame")))), "next_record() when readline raises ValueError")
    expect(result is None and mod.log == ["no record"], f"ValueError-from-await path changed: {result!r} {mod.log}")
    mod.log.clear()
    await ends_raising(asyncio.create_task(mod.next_record(Reader(error=OSError("eof")))), OSError, "next_record() when readline raises OSError")
    expect(mod.log == [], f"OSError path log changed: {mod.log}")

    # Cancel path.
    mod.log.clear()
    reader = Reader()
    task = asyncio.create_task(mod.next_record(reader))
    await settle("reader blocked in readline", lambda: reader.reading)
    task.cancel()
    await ends_cancelled(task, "next_record() cancelled in readline")
    expect(mod.log == ["no record"], f"handler's own code did not run on cancel: {mod.log}")


if __name__ == "__main__":
    main()
