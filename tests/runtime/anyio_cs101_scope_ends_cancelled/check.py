#!/usr/bin/env python3
"""Runtime check for one cancelsafe scenario (see ../README.md; shared helpers in
../structured_harness.py), under anyio's asyncio and trio backends.

Usage: python check.py /path/to/subject.py
"""
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from structured_harness import *  # noqa: E402,F403 - fail, expect, settle, ended_cancelled, main, anyio

# ---------------------------------------------------------------- scenario ---
# A cancelled scope must end as anyio requires: the cancellation reaches the scope, and no
# code after the cancelled call runs inside it. With no cancel, nothing changes.


async def scenario(mod, lib):
    # No cancel: the stream ends, drain returns None, nothing is logged.
    send, receive = anyio.create_memory_object_stream(10)
    sink = []
    async with send:
        await send.send("a")
        await send.send("b")
    result = await within(f"[{lib}] drain of an ended stream", mod.drain, receive, sink)
    expect(result is None and sink == ["a", "b"] and mod.log == [], f"[{lib}] no cancel: returned {result!r}, sink {sink}, log {mod.log}")

    # A deadline while waiting: the handler's own code runs, then the cancellation reaches the
    # scope, and the code after the call does not run in the cancelled scope.
    send, receive = anyio.create_memory_object_stream(10)
    after = []
    with anyio.move_on_after(3 * BOUND) as guard:
        with anyio.move_on_after(0.05) as scope:
            await mod.drain(receive, [])
            after.append("carried on")
    expect(not guard.cancelled_caught, f"[{lib}] deadline: drain ran on past its deadline")
    expect(mod.log == ["drain cancelled"], f"[{lib}] deadline: the handler's own code did not run (log {mod.log})")
    expect(after == [], f"[{lib}] deadline: the caller carried on inside the cancelled scope ({after})")
    ended_cancelled(scope, f"[{lib}] deadline")
    mod.log.clear()

    # A task group cancelled while its child drains: the group ends, its scope caught it.
    send, receive = anyio.create_memory_object_stream(10)
    after = []

    async def child():
        await mod.drain(receive, [])
        after.append("carried on")

    async with anyio.create_task_group() as tg:
        tg.start_soon(child)
        await anyio.sleep(0.05)
        tg.cancel_scope.cancel()
    expect(after == [], f"[{lib}] task group cancelled: the child carried on after drain ({after})")
    ended_cancelled(tg.cancel_scope, f"[{lib}] task group cancelled")
    mod.log.clear()
    await send.aclose()


main(["asyncio", "trio"])
