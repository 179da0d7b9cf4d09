#!/usr/bin/env python3
"""Runtime check for one cancelsafe scenario (see ../README.md; shared helpers in ../harness.py).

Usage: python3 check.py /path/to/subject.py
"""
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from harness import *  # noqa: E402,F403 - fail, expect, settle, finish, ends_*, main, asyncio …

# design.md's "Nothing else changes": an abort cancels a transfer's task, and the session
# that reads that task's result carries on. harmful.py (the wrapper's fix, classed safe
# before readers of a task's result were taken into account) ends the session at the first
# abort: `task.result()` of the now-cancelled transfer raises CancelledError there.


class Disk:
    async def read(self, name):
        await asyncio.sleep(0.05 if name == "small" else 3600)


async def scenario(mod):
    commands = asyncio.Queue()
    server = mod.Server(commands, Disk())
    session = asyncio.create_task(server.serve())
    await commands.put(("SEND", "small"))
    await settle("the small transfer completes", lambda: "226 small sent" in server.replies)
    await commands.put(("SEND", "big"))
    await settle("the big transfer starts", lambda: "150 sending big" in server.replies)
    await commands.put(("ABORT", None))
    await settle("the abort is answered", lambda: "426 big aborted" in server.replies)
    await asyncio.sleep(0.02)
    if session.done():
        outcome = "cancelled" if session.cancelled() else repr(session.exception() or session.result())
        fail(f"the session ended at the abort ({outcome}) although nobody stopped it")
    await commands.put(("QUIT", None))
    result = await ends_normally(session, "the session after an abort (nobody cancelled it)")
    expect(result == "221 bye", f"the session returned {result!r}")


if __name__ == "__main__":
    main()
