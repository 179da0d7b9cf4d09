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

# ---------------------------------------------------------------- scenario ---
# A cancelled scope must end, promptly, as trio requires; failures that are not the
# cancellation are still logged and retried.

SPINS = 1000  # reads after the cancel that count as a spinning loop


class Stream:
    """Fails once with OSError, gives two frames, then waits; counts reads after a cancel."""

    def __init__(self):
        self.script = [OSError("reset"), b"one", b"two"]
        self.cancelled_reads = 0
        self.waiting = False

    async def receive_some(self):
        if self.waiting:
            self.cancelled_reads += 1
            if self.cancelled_reads > SPINS:
                fail(f"the loop spins: {SPINS} reads after the scope was cancelled, the scope never ends")
        await trio.lowlevel.checkpoint()
        if self.script:
            step = self.script.pop(0)
            if isinstance(step, Exception):
                raise step
            return step
        self.waiting = True
        await trio.sleep_forever()


async def scenario(mod, lib):
    stream, frames = Stream(), []
    with trio.move_on_after(BOUND) as guard:
        async with trio.open_nursery() as nursery:
            nursery.start_soon(mod.keep_reading, stream, frames)
            await settle("reader waiting for a third frame", lambda: stream.waiting)
            nursery.cancel_scope.cancel()
    expect(not guard.cancelled_caught, "the nursery did not end after its scope was cancelled")
    ended_cancelled(nursery.cancel_scope, "nursery cancelled")
    expect(frames == [b"one", b"two"], f"frames {frames}")
    expect(mod.log[:1] == ["read failed: OSError"], f"the OSError was not logged and retried: log {mod.log}")
    expect(stream.cancelled_reads <= 1, f"the reader read again {stream.cancelled_reads} times after the cancel")


import trio  # noqa: E402

main(["trio-native"])
