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
# design.md's "Bounded protected cleanup" (d) and (c): the cleanup's own
# TimeoutError propagates on the normal path, through the code's own
# `asyncio.timeout()` inside close() as well as a plain raise; the fix's bound
# catches only itself. swallowing_bound.py (`except TimeoutError: pass` around
# the bound, the form cancelsafe wrote before) must fail on (d).

CLOSE_TIME = 0.1


class Client:
    def __init__(self, answers=True, own_timeout=None):
        self.answers = answers
        self.own_timeout = own_timeout
        self.closing = False
        self.closed = False

    async def connect(self):
        await asyncio.sleep(0)

    async def close(self):
        self.closing = True
        if self.own_timeout is not None:  # the client's own deadline for the goodbye
            async with asyncio.timeout(self.own_timeout):
                await asyncio.sleep(3600)
        await asyncio.sleep(CLOSE_TIME)
        if not self.answers:
            raise TimeoutError("no goodbye from the server")
        self.closed = True


async def scenario(mod):
    loop = asyncio.get_running_loop()

    # (d) The close's own TimeoutError reaches the caller, as before.
    client = Client(answers=False)
    result = await ends_normally(asyncio.create_task(mod.run(client, lambda: asyncio.sleep(0))), "(d) close raising TimeoutError")
    expect(result == "no goodbye", f"(d) close raising TimeoutError on the normal path: the caller got {result!r}, not the close's TimeoutError")

    # Its own asyncio.timeout() cancels the task when it expires: that cancel is the close's,
    # and it still takes effect at once (not held back like an outside cancel), unlogged.
    warnings = capture_warnings()
    client = Client(own_timeout=0.05)
    t0 = loop.time()
    result = await ends_normally(asyncio.create_task(mod.run(client, lambda: asyncio.sleep(0))), "(d) close timing out by its own asyncio.timeout")
    expect(result == "no goodbye", f"(d) close timing out by its own asyncio.timeout(): the caller got {result!r}")
    elapsed = loop.time() - t0
    expect(elapsed < 0.05 + CLOSE_TIME + 0.15,
           f"(d) close timing out by its own asyncio.timeout(0.05): took {elapsed:.2f}s (its own cancel held back?)")
    expect(not warnings, f"(d) close timing out by its own asyncio.timeout(): logged {warnings}")

    # (d) No cancel, a close that answers: the session's result.
    client = Client()
    result = await ends_normally(asyncio.create_task(mod.run(client, lambda: asyncio.sleep(0, "done"))), "(d) session, no cancel")
    expect(result == "done" and client.closed, f"(d) session, no cancel: returned {result!r}, closed={client.closed}")

    # (a) A second cancel during the close does not cut it short.
    client = Client()
    task = asyncio.create_task(mod.run(client, lambda: asyncio.sleep(3600)))
    await asyncio.sleep(0.01)
    task.cancel()
    await settle("(a) first cancel: the finally starts the close", lambda: client.closing)
    task.cancel()
    await ends_cancelled(task, "(a) session cancelled, then cancelled again during the close")
    await settle("(a) second cancel during the close: the close completes", lambda: client.closed, bound=1.0)


if __name__ == "__main__":
    main()
