#!/usr/bin/env python3
"""Runtime check for one cancelsafe scenario (see ../README.md; shared helpers in ../harness.py).

Usage: python3 check.py /path/to/subject.py
"""
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from harness import *  # noqa: E402,F403 - fail, expect, settle, finish, ends_*, main, asyncio …

CLEANUP_TIMEOUT = 0.3


class Conn:
    def __init__(self, hang=False):
        self.hang = hang
        self.handled = []
        self.closing = False
        self.closed = False

    async def close(self):
        self.closing = True
        await asyncio.sleep(3600 if self.hang else 0.05)
        self.closed = True


async def scenario(mod):
    # Non-cancel path: the requests are handled, and a failing request source still closes.
    conn = Conn()
    requests = asyncio.Queue()
    task = asyncio.create_task(mod.serve(conn, requests))
    requests.put_nowait("a")
    await settle("the request is handled", lambda: conn.handled == ["a"])

    # A second cancel during the close does not cut it short.
    task.cancel()
    await settle("the close starts", lambda: conn.closing)
    task.cancel()
    await ends_cancelled(task, "serve() cancelled, then cancelled again during the close")
    expect(conn.closed, "the second cancel cut the close short")

    # A close that hangs is cut off after the bound: the task still ends cancelled (the
    # helper's warning must not raise).
    conn = Conn(hang=True)
    task = asyncio.create_task(mod.serve(conn, asyncio.Queue()))
    await asyncio.sleep(0.02)
    task.cancel()
    await settle("the hanging close starts", lambda: conn.closing)
    warnings = capture_warnings()
    await ends_cancelled(task, "serve() cancelled with a close that hangs", bound=CLEANUP_TIMEOUT + 2)
    expect(any("cut off" in message for message in warnings), f"no warning that the close was cut off: {warnings}")


if __name__ == "__main__":
    main()
