#!/usr/bin/env python3
"""Runtime check for one cancelsafe scenario (see ../README.md; shared helpers in ../harness.py).

Usage: python3 check.py /path/to/subject.py
"""
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from harness import *  # noqa: E402,F403 - fail, expect, settle, finish, ends_*, main, asyncio …


# design.md's "Bounded protected cleanup" (d) and (e): the cleanup block bounds its own
# close with `asyncio.timeout()` around the await. With no cancel, that bound is the code's
# own and must fire on time: its cancel is the block's, not an outside one to hold back.
# held_own_timeout.py (the unit cancelsafe wrote before, which held the block's own
# timeout back like an outside cancel) must fail on (d).

OWN_BOUND = 0.2  # the block's own `asyncio.timeout()`


class Conn:
    def __init__(self, close_time):
        self.close_time = close_time
        self.closing = False
        self.closed = False

    async def close(self):
        self.closing = True
        await asyncio.sleep(self.close_time)
        self.closed = True


async def scenario(mod):
    loop = asyncio.get_running_loop()
    warnings = capture_warnings()

    # (d) No cancel, a close that hangs: the block's own timeout gives up on it after
    #     OWN_BOUND, as before; nothing is logged as cut off.
    mod.log.clear()
    conn = Conn(close_time=5)
    t0 = loop.time()
    result = await ends_normally(asyncio.create_task(mod.session(conn, lambda: asyncio.sleep(0, "done"))),
                                 "(d) session, no cancel, close hangs")
    elapsed = loop.time() - t0
    expect(result == "done", f"(d) session, no cancel, close hangs: returned {result!r}")
    expect(mod.log == ["gave up on close"] and elapsed < OWN_BOUND + 0.3,
           f"(d) no cancel, the block's own asyncio.timeout({OWN_BOUND}) around the close: took {elapsed:.2f}s, "
           f"log {mod.log} (its expiry held back as if the task were cancelled?)")
    expect(not warnings, f"(d) no cancel, the block's own timeout expired: logged {warnings}")

    # (d) No cancel, a close that answers in time: closed, not given up on.
    mod.log.clear()
    conn = Conn(close_time=0.05)
    await ends_normally(asyncio.create_task(mod.session(conn, lambda: asyncio.sleep(0, "done"))), "(d) session, quick close")
    expect(conn.closed and mod.log == [], f"(d) quick close: closed={conn.closed}, log {mod.log}")

    # (a) Cancelled during the work, then again during the close: the close still completes
    #     (it fits in the block's own bound), then the task ends cancelled.
    mod.log.clear()
    conn = Conn(close_time=0.1)
    task = asyncio.create_task(mod.session(conn, lambda: asyncio.sleep(3600)))
    await asyncio.sleep(0.01)
    task.cancel()
    await settle("(a) first cancel: the finally starts the close", lambda: conn.closing)
    task.cancel()
    await ends_cancelled(task, "(a) session cancelled, then cancelled again during the close")
    expect(conn.closed, "(a) second cancel during the close: the close was cut short")


if __name__ == "__main__":
    main()
