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
    mod.log.clear()
    task = asyncio.create_task(mod.check_runner_sees_a_child_that_ignores_cancel())
    await finish(task, "the test")
    if task.cancelled() or task.exception() is not None:
        fail(f"the test no longer passes: {'cancelled' if task.cancelled() else repr(task.exception())}")


if __name__ == "__main__":
    main()
