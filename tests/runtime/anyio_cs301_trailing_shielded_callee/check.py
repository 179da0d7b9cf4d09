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


class Conn:
    def __init__(self):
        self.closed = False

    async def aclose(self):
        await anyio.sleep(0.05)
        self.closed = True


class Limiter:
    released = False


async def scenario(mod, lib):
    # No cancel: the close and the release run, and the handler returns.
    conn, limiter = Conn(), Limiter()
    await within(f"[{lib}] no cancel", mod.serve, conn, limiter, lambda: anyio.sleep(0.01))
    expect(conn.closed and limiter.released, f"[{lib}] no cancel: closed={conn.closed}, released={limiter.released}")

    # Cancelled while serving: the close and then the release both run, and the scope ends
    # cancelled.
    conn, limiter = Conn(), Limiter()
    with anyio.move_on_after(0.05) as scope:
        await mod.serve(conn, limiter, anyio.sleep_forever)
    expect(conn.closed, f"[{lib}] cancelled: the close was cut short")
    expect(limiter.released, f"[{lib}] cancelled: the slot was never released (the cleanup's re-raise skipped it)")
    ended_cancelled(scope, f"[{lib}] cancelled handler")


main(["asyncio", "trio"])
