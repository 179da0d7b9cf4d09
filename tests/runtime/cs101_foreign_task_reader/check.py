#!/usr/bin/env python3
"""Runtime check for one cancelsafe scenario (see ../README.md; shared helpers in ../harness.py).

Usage: python3 check.py /path/to/subject.py
"""
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from harness import *  # noqa: E402,F403 - fail, expect, settle, finish, ends_*, main, asyncio …


async def scenario(mod):
    # Non-cancel paths: a free slot is acquired (the task's result read), a full one loses to
    # the stop event, and the runner takes the jobs it is given.
    receiver = mod.Receiver(1)
    acquired = await ends_normally(asyncio.create_task(receiver.acquire_slot(asyncio.Event())), "acquire_slot() with a free slot")
    expect(acquired is True, f"acquire_slot() returned {acquired!r} with a free slot")
    stop = asyncio.Event()
    waiting = asyncio.create_task(receiver.acquire_slot(stop))
    await asyncio.sleep(0.02)
    stop.set()
    lost = await ends_normally(waiting, "acquire_slot() with no slot, then the stop event")
    expect(lost is False, f"acquire_slot() returned {lost!r} after the stop event")

    # Cancel path: the runner's task ends cancelled, its own last step done.
    mod.log.clear()
    queue = asyncio.Queue()
    runner = asyncio.create_task(receiver.runner(queue))
    queue.put_nowait("job 1")
    await settle("the runner takes the job", lambda: receiver.done == ["job 1"])
    runner.cancel()
    await ends_cancelled(runner, "the runner, cancelled while it waits for a job")
    expect(mod.log == ["runner stopped"], f"the runner's last step did not run on cancel: {mod.log}")


if __name__ == "__main__":
    main()
