#!/usr/bin/env python3
"""Runtime check for one cancelsafe scenario (see ../README.md; shared helpers in
../structured_harness.py), under trio.

Usage: python check.py /path/to/subject.py
"""
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from structured_harness import *  # noqa: E402,F403 - fail, expect, settle, ended_cancelled, main, anyio

import trio  # noqa: E402

# ---------------------------------------------------------------- scenario ---
# The exit of an async context manager is cleanup: (a) a cancelled body still gets its goodbye
# and close, also through a second cancel, and the scope ends cancelled; (d) with no cancel
# nothing changes.

STEP = 0.05


class Stream:
    def __init__(self):
        self.events = []

    async def send_all(self, data):
        self.events.append("send start")
        await trio.sleep(STEP)
        self.events.append(data)

    async def aclose(self):
        await trio.sleep(STEP)
        self.events.append("closed")


DONE = ["send start", b"BYE\r\n", "closed"]


async def scenario(mod, lib):
    # (d) No cancel.
    stream = Stream()
    async with mod.Session(stream):
        await trio.sleep(0)
    expect(stream.events == DONE, f"(d) no cancel: events {stream.events}")

    # (a) A cancelled body: the exit still says goodbye and closes; the scope ends cancelled.
    stream = Stream()
    with trio.move_on_after(0.05) as scope:
        async with mod.Session(stream):
            await trio.sleep_forever()
    expect(stream.events == DONE, f"(a) cancelled body: the exit was cut short (events {stream.events})")
    ended_cancelled(scope, "(a) cancelled body")

    # (a) A second cancel while the goodbye is being sent.
    stream = Stream()
    with trio.CancelScope() as outer:
        async with trio.open_nursery() as nursery:

            async def client():
                async with mod.Session(stream):
                    await trio.sleep_forever()

            nursery.start_soon(client)
            await trio.sleep(0.01)
            nursery.cancel_scope.cancel()
            await settle("(a) the goodbye started", lambda: "send start" in stream.events)
            outer.cancel()
    expect(stream.events == DONE, f"(a) second cancel during the goodbye: events {stream.events}")


main(["trio-native"])
