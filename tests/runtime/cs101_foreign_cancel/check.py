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
async def scenario(mod):
    # 1. Not cancelled: a job aborted elsewhere stops the worker quietly, as before.
    mod.log.clear()
    queue = asyncio.Queue()
    first, aborted = mod.Job(), mod.Job()
    first.finish(1)
    aborted.abort()
    queue.put_nowait(first)
    queue.put_nowait(aborted)
    task = asyncio.create_task(mod.worker(queue))
    result = await ends_normally(task, "worker meeting an aborted job (nobody cancelled the worker)")
    expect(result is None, f"worker returned {result!r}")
    expect(mod.log == [("done", 1), "worker stopped"], f"log: {mod.log}")

    # 2. The worker's own cancel while it waits for work: it ends cancelled.
    mod.log.clear()
    queue = asyncio.Queue()
    task = asyncio.create_task(mod.worker(queue))
    await asyncio.sleep(0.01)
    task.cancel()
    await ends_cancelled(task, "worker cancelled while waiting for a job")
    expect(mod.log == ["worker stopped"], f"the handler's own code did not run: {mod.log}")

    # 3. The worker's own cancel while it waits for a job's outcome: it ends cancelled.
    mod.log.clear()
    queue = asyncio.Queue()
    pending = mod.Job()
    queue.put_nowait(pending)
    task = asyncio.create_task(mod.worker(queue))
    await settle("worker waiting for the job", lambda: queue.empty())
    await asyncio.sleep(0.01)
    task.cancel()
    await ends_cancelled(task, "worker cancelled while waiting for a job's outcome")

    # 4. Cancelled twice, the second time while its handler already ran once: still cancelled.
    mod.log.clear()
    queue = asyncio.Queue()
    task = asyncio.create_task(mod.worker(queue))
    await asyncio.sleep(0.01)
    task.cancel()
    task.cancel()
    await ends_cancelled(task, "worker cancelled twice")


if __name__ == "__main__":
    main()
