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
# (a) The server stops: the code raises CancelledError itself, and the stream logs "closed" and
# returns, as before. (b) The stream task is cancelled from outside: it ends cancelled.


async def scenario(mod):
    # (a) No cancel: the stop the code signals itself is a normal end.
    mod.log.clear()
    stopped = asyncio.Event()
    task = asyncio.create_task(mod.heartbeat(stopped))
    await settle("(a) a first beat", lambda: "beat" in mod.log)
    stopped.set()
    value = await ends_normally(task, "(a) the stream stopped by the server")
    expect(value is None and mod.log[-1] == "closed", f"(a) returned {value!r}, log {mod.log}")

    # (b) A cancel from outside ends the task cancelled.
    mod.log.clear()
    task = asyncio.create_task(mod.heartbeat(asyncio.Event()))
    await settle("(b) a first beat", lambda: "beat" in mod.log)
    task.cancel()
    await ends_cancelled(task, "(b) the cancelled stream")


if __name__ == "__main__":
    main()
