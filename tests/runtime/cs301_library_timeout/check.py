#!/usr/bin/env python3
"""Runtime check for one cancelsafe scenario (see ../README.md; shared helpers in ../harness.py).

Usage: python3 check.py /path/to/subject.py
"""
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from harness import *  # noqa: E402,F403 - fail, expect, settle, finish, ends_*, main, asyncio …


# design.md's "Bounded protected cleanup" (d): the cleanup bounds its own goodbye with a
# timeout context manager of its library (the shape of the `async_timeout` package: it
# cancels the task when the deadline passes and turns that cancel into TimeoutError). With
# no cancel from outside, that cancel is the cleanup's own and must reach it at once.
# held_library_timeout.py (the unit cancelsafe wrote before, which knew only
# asyncio.Timeout and held this one back until its own bound) must fail on (d).

OWN_DEADLINE = 0.1


class Deadline:
    """A library's own timeout: cancels the task at the deadline, raises TimeoutError instead."""

    def __init__(self, delay):
        self._delay = delay
        self._task = None
        self._handle = None
        self._expired = False

    @property
    def expired(self):
        return self._expired

    async def __aenter__(self):
        self._task = asyncio.current_task()
        self._handle = asyncio.get_running_loop().call_later(self._delay, self._on_deadline)
        return self

    def _on_deadline(self):
        self._expired = True
        self._task.cancel()

    async def __aexit__(self, kind, error, traceback):
        self._handle.cancel()
        if kind is asyncio.CancelledError and self._expired:
            self._task.uncancel()
            raise TimeoutError("no goodbye in time")
        return None


class UnmarkedDeadline(Deadline):
    """A library timeout without an `expired` flag: the fix cannot tell its cancel from one
    from outside, so it holds it back until its bound; the timeout then takes it back."""

    expired = None


class Client:
    def __init__(self, answers, deadline=Deadline):
        self.answers = answers
        self.deadline = deadline
        self.closing = False
        self.closed = False

    async def close(self):
        self.closing = True
        async with self.deadline(OWN_DEADLINE):
            await asyncio.sleep(0.05 if self.answers else 3600)
        self.closed = True


async def scenario(mod):
    loop = asyncio.get_running_loop()
    warnings = capture_warnings()

    # (d) No cancel, a server that never says goodbye: the close's own deadline fires on time
    #     and its TimeoutError reaches the caller, unlogged.
    client = Client(answers=False)
    t0 = loop.time()
    result = await ends_normally(asyncio.create_task(mod.run(client, lambda: asyncio.sleep(0, "done"))),
                                 "(d) close timing out by its library's deadline")
    elapsed = loop.time() - t0
    expect(result == "no goodbye" and elapsed < OWN_DEADLINE + 0.3,
           f"(d) no cancel, the close's own library deadline ({OWN_DEADLINE}s): the caller got {result!r} after "
           f"{elapsed:.2f}s (its cancel held back as if it came from outside?)")
    expect(not warnings, f"(d) no cancel, the close's own deadline expired: logged {warnings}")

    # (d) No cancel, a close that answers: the session's result.
    client = Client(answers=True)
    result = await ends_normally(asyncio.create_task(mod.run(client, lambda: asyncio.sleep(0, "done"))), "(d) session, no cancel")
    expect(result == "done" and client.closed, f"(d) session, no cancel: returned {result!r}, closed={client.closed}")

    # (a) Cancelled, then cancelled again during a close that answers: the close completes.
    client = Client(answers=True)
    task = asyncio.create_task(mod.run(client, lambda: asyncio.sleep(3600)))
    await asyncio.sleep(0.01)
    task.cancel()
    await settle("(a) first cancel: the finally starts the close", lambda: client.closing)
    task.cancel()
    await ends_cancelled(task, "(a) session cancelled, then cancelled again during the close")
    expect(client.closed, "(a) second cancel during the close: the close was cut short")

    # (f) No cancel from outside, a close bounded by a library timeout the fix cannot recognise:
    #     its cancel is held back (at most the cleanup bound), then the timeout takes it back
    #     (uncancel) and raises TimeoutError. Nobody cancelled the session, so the held cancel
    #     must not be raised: the caller gets its TimeoutError ("no goodbye"), not a cancel.
    client = Client(answers=False, deadline=UnmarkedDeadline)
    result = await ends_normally(asyncio.create_task(mod.run(client, lambda: asyncio.sleep(0, "done"))),
                                 "(f) close timing out by an unrecognised library timeout, nobody cancelled the session")
    expect(result == "no goodbye", f"(f) close timing out by an unrecognised library timeout: the caller got {result!r}")


if __name__ == "__main__":
    main()
