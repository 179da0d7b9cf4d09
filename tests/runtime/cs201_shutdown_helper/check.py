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
import inspect  # noqa: E402

HELPER_PREFIX = "_cancel_tracked_tasks"


def shutdown_helper(mod):
    """The module's coroutine that cancels and awaits its tracked tasks (a fresh name such as
    `_cancel_tracked_tasks_1` counts too)."""
    found = [value for name, value in sorted(vars(mod).items())
             if name.startswith(HELPER_PREFIX) and inspect.iscoroutinefunction(value)]
    if not found:
        fail(f"the module defines no `async def {HELPER_PREFIX}*`: nothing can cancel and await "
             "its fire-and-forget tasks on shutdown")
    if len(found) > 1:
        fail(f"the module defines {len(found)} `{HELPER_PREFIX}*` coroutines; expected exactly one")
    return found[0]


def pump_tasks(mod, feeds):
    tasks = [t for t in asyncio.all_tasks() if t.get_coro().cr_code is mod.pump.__code__]
    expect(len(tasks) == len(feeds), f"expected {len(feeds)} pump tasks, found {len(tasks)}")
    return tasks


async def scenario(mod):
    # 1. Pumps started fire-and-forget; the shutdown coroutine, awaited from an
    #    untracked task, cancels every one of them, waits for their cleanup, and returns.
    mod.log.clear()
    feeds = ["quotes", "trades", "news"]
    mod.start_pumps(feeds)
    await settle("every pump running", lambda: all(f"start {f}" in mod.log for f in feeds))
    pumps = pump_tasks(mod, feeds)
    helper = shutdown_helper(mod)

    async def shutdown_and_look():
        await helper()
        # What holds at the very moment the helper returns (not a loop iteration later).
        not_cancelled = [t.get_name() for t in pumps if not (t.done() and t.cancelled())]
        missing = [f for f in feeds if f"cleanup {f}" not in mod.log]
        return not_cancelled, missing

    not_cancelled, missing = await ends_normally(asyncio.create_task(shutdown_and_look()),
                                                 f"{helper.__name__}() (nobody cancelled it)")
    expect(not not_cancelled, f"{helper.__name__}() returned but pump task(s) {not_cancelled} had not ended cancelled")
    expect(not missing, f"{helper.__name__}() returned before the cleanup of {missing} ran")

    # 2. Nothing left to cancel: returns at once.
    await ends_normally(asyncio.create_task(helper()), f"{helper.__name__}() with nothing tracked")

    # 3. Called from a task that is itself tracked (an admin "shutdown" command run through
    #    run_admin_command): cancels the pumps, but not its caller, which goes on and returns.
    mod.log.clear()
    feeds = ["orders", "fills"]
    mod.start_pumps(feeds)
    await settle("every pump running", lambda: all(f"start {f}" in mod.log for f in feeds))
    pumps = pump_tasks(mod, feeds)
    steps = []

    async def shutdown_command():
        steps.append("begin")
        await helper()
        steps.append("after helper")
        return "stopped"

    mod.run_admin_command(shutdown_command)
    commands = [t for t in asyncio.all_tasks() if t.get_coro().cr_code is shutdown_command.__code__]
    expect(len(commands) == 1, f"run_admin_command() started {len(commands)} tasks, expected 1")
    expect(any(isinstance(v, set) and commands[0] in v for v in vars(mod).values()),
           "the task run_admin_command() started is in no module-level set (not tracked)")
    result = await ends_normally(commands[0], f"a tracked task awaiting {helper.__name__}()")
    expect(result == "stopped" and steps == ["begin", "after helper"],
           f"the tracked caller did not run to its end: steps {steps}, result {result!r}")
    not_cancelled = [t.get_name() for t in pumps if not (t.done() and t.cancelled())]
    expect(not not_cancelled, f"pump task(s) {not_cancelled} did not end cancelled")
    missing = [f for f in feeds if f"cleanup {f}" not in mod.log]
    expect(not missing, f"the cleanup of {missing} did not run")


if __name__ == "__main__":
    main()
