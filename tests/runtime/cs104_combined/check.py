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


async def scenario(mod):
    # 0. Non-cancel path: jobs are handled; a failing job still kills the worker
    #    with its error, and stop() then raises that error.
    mod.log.clear()
    jobs = asyncio.Queue()
    for j in ("a", "b", "bad"):
        jobs.put_nowait(j)
    handled = []

    async def handle(job):
        await asyncio.sleep(0)
        if job == "bad":
            raise ValueError(job)
        handled.append(job)

    worker = mod.Worker(jobs, handle)
    worker.start()
    await ends_raising(worker._task, ValueError, "worker whose 3rd job fails")
    expect(handled == ["a", "b"] and worker.handled == 2 and mod.log == [], f"non-cancel path changed: {handled} {mod.log}")
    await ends_raising(asyncio.create_task(worker.stop()), ValueError, "stop() of a crashed worker")

    # 1. stop() from a task nobody cancelled: returns normally AND the worker
    #    ends cancelled, after its handler's own code ran.
    mod.log.clear()
    jobs = asyncio.Queue()
    jobs.put_nowait("slow")
    slow = SlowJob()
    worker = mod.Worker(jobs, slow)
    worker.start()
    await settle("worker handling a job", lambda: slow.running)
    result = await ends_normally(asyncio.create_task(worker.stop()), "stop() (nobody cancelled the stopper)")
    expect(result is None, f"stop() returned {result!r}")
    await finish(worker._task, "worker after stop()")
    expect(worker._task.cancelled(), "the worker task did not end cancelled (its CancelledError was swallowed)")
    expect(mod.log == ["worker cancelled"], f"the worker's handler did not run: {mod.log}")

    # 1b. Same, with the worker idle on an empty queue.
    mod.log.clear()
    worker = mod.Worker(asyncio.Queue(), handle)
    worker.start()
    await asyncio.sleep(0)
    await ends_normally(asyncio.create_task(worker.stop()), "stop() of an idle worker")
    expect(worker._task.cancelled() and mod.log == ["worker cancelled"], f"idle worker did not end cancelled: {mod.log}")

    # 2. stop() cancelled while awaiting the slow-to-cancel worker: ends cancelled.
    mod.log.clear()
    jobs = asyncio.Queue()
    jobs.put_nowait("slow")
    slow = SlowJob()
    worker = mod.Worker(jobs, slow)
    worker.start()
    await settle("worker handling a job", lambda: slow.running)
    stopper = asyncio.create_task(worker.stop())
    await settle("worker honouring its cancel while stop() awaits it", lambda: slow.cleaning)
    stopper.cancel()
    await ends_cancelled(stopper, "stop() cancelled while awaiting the worker")
    expect(worker._task.cancelled(), "the worker task did not end cancelled")


if __name__ == "__main__":
    main()
