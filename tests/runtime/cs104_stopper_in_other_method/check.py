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
    async def read(self):
        await asyncio.sleep(0.01)
        return "data"


async def scenario(mod):
    # close() then wait_closed() from a task nobody cancelled: returns normally, whether
    # neither fix is applied (--write) or both are (--unsafe-fixes); never the reader's alone.
    mod.log.clear()
    conn = mod.Connection(Transport())
    await settle("reader running", lambda: "data" in mod.log)
    conn.close()
    await ends_normally(asyncio.create_task(conn.wait_closed()), "wait_closed() after close() (nobody cancelled the caller)")
    expect(mod.log[-2:] == ["reader stopped", "closed"], f"log: {mod.log[-3:]}")
    expect(conn._reader.done(), "the reader is still running")


if __name__ == "__main__":
    main()
