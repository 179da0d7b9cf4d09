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
    async def source():
        await asyncio.sleep(0.01)
        return "item"

    # 1. stop() returns, the worker's state is reset, and its task ends cancelled.
    mod.log.clear()
    worker = mod.Worker(source)
    task = worker.start()
    await settle("worker running", lambda: "item" in mod.log)
    await ends_normally(asyncio.create_task(worker.stop()), "stop() waiting for `exited` (must not hang)")
    expect(worker.state == "stopped", f"state after stop(): {worker.state!r}")
    await ends_cancelled(task, "the stopped worker's task")
    expect(mod.log[-1] == "cancelled", f"the handler's own code did not run: {mod.log[-3:]}")

    # 2. Not cancelled: a source that fails ends the worker with its error, as before, and
    #    skips the reset, as before.
    mod.log.clear()

    async def broken():
        raise ValueError("source broke")

    worker = mod.Worker(broken)
    await ends_raising(worker.start(), ValueError, "a worker whose source fails")
    expect(worker.state == "running" and not worker.exited.is_set(), "the failure path changed")


if __name__ == "__main__":
    main()
