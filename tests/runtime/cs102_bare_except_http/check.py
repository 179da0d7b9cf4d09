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
    def __init__(self):
        self.written = []
        self.closed = False

    def write(self, data):
        self.written.append(data)

    def close(self):
        self.closed = True


def is_500(data):
    return data.startswith(b"HTTP/1.1 500 ")


async def scenario(mod):
    # Non-cancel paths unchanged: a 200; an app error -> 500 + close, swallowed;
    # an error after the response started -> close only, swallowed.
    async def ok_app(send):
        await asyncio.sleep(0)
        await send(200, b"hello")

    async def broken_app(send):
        await asyncio.sleep(0)
        raise ValueError("app bug")

    async def late_broken_app(send):
        await send(200, b"partial")
        await asyncio.sleep(0)
        raise ValueError("app bug after start")

    mod.log.clear()
    tr = Transport()
    result = await ends_normally(asyncio.create_task(mod.RequestCycle(ok_app, tr).run_asgi()), "run_asgi() of a working app")
    expect(result is None and len(tr.written) == 1 and tr.written[0].startswith(b"HTTP/1.1 200 ") and not tr.closed,
           f"success path changed: {tr.written} closed={tr.closed}")
    expect(mod.log == ["cycle done"], f"success path log changed: {mod.log}")

    mod.log.clear()
    tr = Transport()
    result = await ends_normally(asyncio.create_task(mod.RequestCycle(broken_app, tr).run_asgi()), "run_asgi() of an app raising ValueError")
    expect(result is None and len(tr.written) == 1 and is_500(tr.written[0]) and tr.closed, f"error path changed: {tr.written} closed={tr.closed}")
    expect(mod.log == ["Exception in ASGI application", "cycle done"], f"error path log changed: {mod.log}")

    mod.log.clear()
    tr = Transport()
    await ends_normally(asyncio.create_task(mod.RequestCycle(late_broken_app, tr).run_asgi()), "run_asgi() of an app failing mid-response")
    expect(len(tr.written) == 1 and not is_500(tr.written[0]) and tr.closed, f"late-error path changed: {tr.written} closed={tr.closed}")

    # Cancel path: 500 sent, transport closed, finally ran, task ends cancelled.
    mod.log.clear()
    tr = Transport()
    in_app = asyncio.Event()

    async def slow_app(send):
        in_app.set()
        await asyncio.sleep(3600)

    task = asyncio.create_task(mod.RequestCycle(slow_app, tr).run_asgi())
    await settle("app running", in_app.is_set)
    task.cancel()
    await ends_cancelled(task, "run_asgi() cancelled while the app runs")
    expect(len(tr.written) == 1 and is_500(tr.written[0]), f"the 500 was not sent on cancel: {tr.written}")
    expect(tr.closed, "the transport was not closed on cancel")
    expect(mod.log == ["Exception in ASGI application", "cycle done"], f"handler's own code did not run on cancel: {mod.log}")


if __name__ == "__main__":
    main()
