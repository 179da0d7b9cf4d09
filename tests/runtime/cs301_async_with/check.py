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
# design.md's "Bounded protected cleanup" for an `async with` inside `finally`:
# (a) a second cancel while entering it (waiting for the lock) skips nothing;
# (d) with no cancel it is entered and left in the same task, and the body's
# own error propagates; (c) a lock that is never free is given up after the
# bound and the task ends cancelled.

CLEANUP_TIMEOUT = 0.5
HOLD = 0.1


class TaskBoundLock:
    """A lock whose __aexit__ must run in the task that entered it (as anyio's and trio's)."""

    def __init__(self):
        self._lock = asyncio.Lock()
        self.waiting = False

    async def __aenter__(self):
        self.waiting = True
        await self._lock.acquire()
        self._owner = asyncio.current_task()
        return self

    async def __aexit__(self, *exc):
        await asyncio.sleep(0)
        if asyncio.current_task() is not self._owner:
            raise RuntimeError("lock released by a task that did not take it")
        self._lock.release()


class Store:
    def __init__(self):
        self.lock = TaskBoundLock()
        self.saved = {}
        self.error = None

    def save(self, name, progress):
        if self.error is not None:
            raise self.error
        self.saved[name] = progress


class Job:
    def __init__(self, name, forever=False):
        self.name = name
        self.forever = forever
        self.progress = 0
        self.running = False

    async def run(self):
        self.running = True
        self.progress = 7
        if self.forever:
            await asyncio.sleep(3600)


async def hold(lock, seconds):
    async with lock:
        await asyncio.sleep(seconds)


async def scenario(mod):
    loop = asyncio.get_running_loop()

    # (d) No cancel: entered and left in the same task, the progress saved.
    store = Store()
    await ends_normally(asyncio.create_task(mod.run_job(Job("a"), store)), "(d) job with no cancel")
    expect(store.saved == {"a": 7}, f"(d) job with no cancel: saved {store.saved}")

    store = Store()
    store.error = OSError("disk full")
    exc = await ends_raising(asyncio.create_task(mod.run_job(Job("b"), store)), OSError, "(d) job whose save fails")
    expect(exc is store.error, f"(d) job whose save fails: raised {exc!r}, not the save's own error")

    # (a) Cancelled while running, then again while the finally waits for the lock (another
    #     job holds it for a moment): the progress is still saved, and the task ends cancelled.
    store = Store()
    job = Job("c", forever=True)
    holder = asyncio.create_task(hold(store.lock, HOLD))
    await asyncio.sleep(0.01)
    store.lock.waiting = False
    task = asyncio.create_task(mod.run_job(job, store))
    await settle("(a) job running", lambda: job.running)
    task.cancel()
    await settle("(a) first cancel: the finally waits for the lock", lambda: store.lock.waiting)
    task.cancel()
    await ends_cancelled(task, "(a) job cancelled, then cancelled again while waiting for the lock")
    expect(store.saved == {"c": 7}, f"(a) second cancel while waiting for the lock: saved {store.saved}, expected the progress")
    await ends_normally(holder, "(a) the other job holding the lock")

    # (c) The lock is never free: given up after the bound, the task ends cancelled.
    store = Store()
    job = Job("d", forever=True)
    holder = asyncio.create_task(hold(store.lock, 3600))
    await asyncio.sleep(0.01)
    task = asyncio.create_task(mod.run_job(job, store))
    await settle("(c) job running", lambda: job.running)
    t0 = loop.time()
    task.cancel()
    await ends_cancelled(task, "(c) job cancelled while the lock is never free")
    elapsed = loop.time() - t0
    expect(CLEANUP_TIMEOUT - 0.1 <= elapsed < 1.5, f"(c) lock never free: ended after {elapsed:.2f}s, expected about {CLEANUP_TIMEOUT}s")
    holder.cancel()


if __name__ == "__main__":
    main()
