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
async def scenario(mod):
    # Non-cancel path: a send failure still propagates, after the same pings.
    mod.log.clear()
    sent = []

    async def flaky_send(data):
        await asyncio.sleep(0)
        if len(sent) == 2:
            raise ConnectionResetError("peer gone")
        sent.append(data)

    task = asyncio.create_task(mod.heartbeat(flaky_send, 0.001))
    await ends_raising(task, ConnectionResetError, "heartbeat() whose 3rd send fails")
    expect(sent == [b"PING", b"PING"] and mod.log == ["ping", "ping"], f"non-cancel path changed: {sent} {mod.log}")

    # Cancel path, once while sleeping between beats and once inside send().
    for where in ("sleep", "send"):
        mod.log.clear()
        sent = []
        in_send = False

        async def send(data):
            nonlocal in_send
            sent.append(data)
            if where == "send" and len(sent) == 2:
                in_send = True
                await asyncio.sleep(3600)
            await asyncio.sleep(0)

        task = asyncio.create_task(mod.heartbeat(send, 3600 if where == "sleep" else 0.001))
        if where == "sleep":
            await settle("heartbeat sleeping after a ping", lambda: mod.log == ["ping"])
        else:
            await settle("heartbeat blocked in send", lambda: in_send)
        task.cancel()
        await ends_cancelled(task, f"heartbeat() cancelled in {where}")


if __name__ == "__main__":
    main()
