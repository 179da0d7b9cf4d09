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
class SlowJob:
    """A child's work, injected by the check (so the tool never rewrites it):
    runs until cancelled, then takes a moment to honour the cancel, so that a
    cancel of the task awaiting the child lands during `await child`."""

    def __init__(self, fail_with=None):
        self.fail_with = fail_with
        self.running = False
        self.cleaning = False
        self.finished_cleanup = False

    async def __call__(self, *args):
        self.running = True
        if self.fail_with is not None:
            await asyncio.sleep(0)
            raise self.fail_with
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            self.cleaning = True
            await asyncio.sleep(0.05)  # e.g. flushing; a second cancel cuts it short
            self.finished_cleanup = True
            raise


N = 3
REAPED = [f"reaped worker-{i}" for i in range(N)]


async def scenario(mod):
    # 1. The teardown is reached BECAUSE the owner task is cancelled.
    #
    # Why the naive guard `if asyncio.current_task().cancelling(): raise` is
    # wrong here: __aexit__ runs while the owner is already being cancelled, so
    # cancelling() is already 1 when the FIRST child's CancelledError arrives.
    # The naive guard re-raises right there and the other children are never
    # cancelled nor awaited (they outlive their owner).  The count-snapshot
    # form compares with the count taken just before the `try` (also 1), sees
    # no new cancel, swallows the child's CancelledError and goes on reaping.
    mod.log.clear()
    jobs = [SlowJob() for _ in range(N)]
    seen = {}

    async def owner():
        pool = mod.WorkerPool(lambda i, jobs=jobs: jobs[i](), N)
        seen["pool"] = pool
        try:
            async with pool:
                await asyncio.sleep(3600)
        finally:
            # Snapshot at the instant the owner leaves the block.
            seen["done"] = [c.done() for c in pool.children]
            seen["cancelled"] = [c.done() and c.cancelled() for c in pool.children]
            seen["awaited"] = [j.finished_cleanup for j in jobs]

    task = asyncio.create_task(owner())
    await settle("all workers running", lambda: all(j.running for j in jobs))
    task.cancel()
    await ends_cancelled(task, "owner cancelled inside `async with WorkerPool`")
    expect(all(seen["done"]), f"teardown reached by a cancel left children running: done={seen['done']}")
    expect(all(seen["cancelled"]), f"not every child ended cancelled: {seen['cancelled']}")
    expect(all(seen["awaited"]), f"not every child was awaited to the end of its cancellation: {seen['awaited']}")
    expect(mod.log == REAPED + ["pool closed"], f"teardown's own code did not run for every child: {mod.log}")

    # 2. Normal exit of the block, nobody cancels: every child reaped, owner returns.
    mod.log.clear()
    jobs = [SlowJob() for _ in range(N)]

    async def quiet_owner():
        async with mod.WorkerPool(lambda i, jobs=jobs: jobs[i](), N) as pool:
            await asyncio.sleep(0)
        return [c.cancelled() for c in pool.children]

    result = await ends_normally(asyncio.create_task(quiet_owner()), "owner leaving the block normally")
    expect(result == [True] * N and mod.log == REAPED + ["pool closed"], f"normal teardown changed: {result} {mod.log}")

    # 3. An error in the block: every child reaped, the error propagates.
    mod.log.clear()
    jobs = [SlowJob() for _ in range(N)]

    async def failing_owner():
        async with mod.WorkerPool(lambda i, jobs=jobs: jobs[i](), N):
            await asyncio.sleep(0)
            raise KeyError("boom")

    await ends_raising(asyncio.create_task(failing_owner()), KeyError, "owner whose block raises")
    expect(mod.log == REAPED + ["pool closed"], f"teardown on error changed: {mod.log}")

    # 4. Block exits normally, then the owner is cancelled DURING the teardown
    #    (e.g. by a shutdown): that cancel must not be swallowed.
    mod.log.clear()
    jobs = [SlowJob() for _ in range(N)]

    async def owner_cancelled_in_teardown():
        async with mod.WorkerPool(lambda i, jobs=jobs: jobs[i](), N):
            await asyncio.sleep(0)
        return "left the block"

    task = asyncio.create_task(owner_cancelled_in_teardown())
    await settle("teardown awaiting the first child", lambda: jobs[0].cleaning)
    task.cancel()
    await ends_cancelled(task, "owner cancelled while __aexit__ awaits a child")


if __name__ == "__main__":
    main()
