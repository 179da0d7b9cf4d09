#!/usr/bin/env python3
"""Runtime check for one cancelsafe scenario (see ../README.md; shared helpers in ../harness.py).

Usage: python3 check.py /path/to/subject.py
"""
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from harness import *  # noqa: E402,F403 - fail, expect, settle, finish, ends_*, main, asyncio …


# design.md's "Bounded protected cleanup" (d): the bound starts only once *this* task is
# cancelled. stop() closes the session in the handler for its reader's CancelledError --
# another task's cancel, which stop() made itself. With nobody cancelling stop(), the slow
# close runs to the end, unbounded, as before. foreign_bound.py (the unit cancelsafe wrote
# before, which took any CancelledError being handled for a cancel of this task and started
# the bound) must fail on (d).

CLOSE_TIME = 0.6  # longer than the bound the scenario runs the tool with (0.3 s)


class Session:
    def __init__(self, close_time=CLOSE_TIME):
        self.close_time = close_time
        self.closing = False
        self.closed = False

    async def close(self):
        self.closing = True
        await asyncio.sleep(self.close_time)  # a peer that takes its time to say goodbye
        self.closed = True


async def scenario(mod):
    warnings = capture_warnings()

    # (d) stop() is not cancelled: the close in the handler for the reader's cancel runs to
    #     the end, and stop() returns normally.
    client = mod.Client(Session())
    await asyncio.sleep(0.01)
    await ends_normally(asyncio.create_task(client.stop()), "(d) stop(), nobody cancels it")
    expect(client.session.closed,
           f"(d) stop() not cancelled, handling its reader's CancelledError: the {CLOSE_TIME}s close was cut off "
           f"(the bound started although this task was not cancelled)")
    expect(not warnings, f"(d) stop() not cancelled: logged {warnings}")

    # (a) stop() cancelled during a close that fits in the bound: the close still completes,
    #     and stop() ends cancelled.
    client = mod.Client(Session(close_time=0.1))
    await asyncio.sleep(0.01)
    task = asyncio.create_task(client.stop())
    await settle("(a) stop() reaches the close", lambda: client.session.closing)
    task.cancel()
    await ends_cancelled(task, "(a) stop() cancelled during the close")
    await settle("(a) cancel during the close: the close still completes", lambda: client.session.closed, bound=1.0)


if __name__ == "__main__":
    main()
