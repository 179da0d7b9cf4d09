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
    started, finished, cancelled = [], [], []

    def job(i, mode):
        async def run():
            started.append(i)
            try:
                if mode == "bad":
                    await asyncio.sleep(0)
                    raise ValueError(f"job {i}")
                await asyncio.sleep(0 if mode == "fast" else 3600)
                finished.append(i)
            except asyncio.CancelledError:
                cancelled.append(i)
                raise
        return run

    # Non-cancel paths: all jobs finish; a bad job is still reported and swallowed.
    mod.log.clear()
    result = await ends_normally(asyncio.create_task(mod.run_batch([job(0, "fast"), job(1, "fast")])), "run_batch() of 2 fast jobs")
    expect(result is None and finished == [0, 1] and mod.log == ["batch done"], f"non-cancel path changed: {finished} {mod.log}")
    mod.log.clear()
    started.clear(); finished.clear(); cancelled.clear()
    result = await ends_normally(asyncio.create_task(mod.run_batch([job(0, "bad"), job(1, "slow")])), "run_batch() with a bad job")
    expect(result is None and mod.log == ["batch rejected: 1 bad job(s)"] and cancelled == [1],
           f"ValueError path changed: {result!r} {mod.log} cancelled={cancelled}")

    # Cancel path: the runner is cancelled while its jobs run.
    mod.log.clear()
    started.clear(); finished.clear(); cancelled.clear()
    task = asyncio.create_task(mod.run_batch([job(i, "slow") for i in range(3)]))
    await settle("all jobs started", lambda: len(started) == 3)
    task.cancel()
    # Note: a bare `raise` in `except*` re-raises a BaseExceptionGroup wrapping
    # the CancelledError, so the task ends with that group, not cancelled.
    await ends_cancelled(task, "run_batch() cancelled while its jobs run")
    expect(sorted(cancelled) == [0, 1, 2], f"not every job ended cancelled: {cancelled}")
    expect(mod.log == ["batch cancelled"], f"handler's own code did not run on cancel: {mod.log}")


if __name__ == "__main__":
    main()
