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
class Ready(asyncio.Event):
    waiting = False

    async def wait(self):
        self.waiting = True
        return await super().wait()


async def scenario(mod):
    # Non-cancel path: once ready, serve() runs; its errors propagate.
    mod.log.clear()
    served = []

    async def serve():
        await asyncio.sleep(0)
        served.append(True)

    ready = Ready()
    task = asyncio.create_task(mod.serve_when_ready(ready, serve))
    await asyncio.sleep(0)
    ready.set()
    result = await ends_normally(task, "serve_when_ready() once ready")
    expect(result is None and served == [True] and mod.log == ["ready"], f"non-cancel path changed: {served} {mod.log}")

    async def broken_serve():
        raise OSError("port in use")

    mod.log.clear()
    ready = Ready()
    ready.set()
    await ends_raising(asyncio.create_task(mod.serve_when_ready(ready, broken_serve)), OSError, "serve_when_ready() whose serve fails")

    # Cancel path: waiting for readiness.
    mod.log.clear()
    ready = Ready()
    task = asyncio.create_task(mod.serve_when_ready(ready, serve))
    await settle("waiting for readiness", lambda: ready.waiting)
    task.cancel()
    await ends_cancelled(task, "serve_when_ready() cancelled while waiting")
    expect(mod.log == ["gave up waiting"], f"handler's own code did not run on cancel: {mod.log}")


if __name__ == "__main__":
    main()
