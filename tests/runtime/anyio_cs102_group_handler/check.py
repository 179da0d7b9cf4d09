#!/usr/bin/env python3
"""Runtime check for one cancelsafe scenario (see ../README.md; shared helpers in
../structured_harness.py), under anyio's asyncio and trio backends and under trio.run.

Usage: python check.py /path/to/subject.py
"""
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from structured_harness import *  # noqa: E402,F403 - fail, expect, ended_cancelled, main, anyio

# ---------------------------------------------------------------- scenario ---
# (a) The runner's scope is cancelled while the app's task group fails: the error is still
# logged, the runner does not return as if served, and the scope ends cancelled. On the asyncio
# backend anyio's task group leaves the cancelled children out of the group (the handler sees
# the error alone; the cancel comes again at the next checkpoint), so there only the logging and
# the scope's end are asked. (b) With no cancel nothing changes: the app's error is logged, then
# "served", and the runner returns. (c) A cancel with no other error is re-raised, as before.


async def fails_when_cancelled():
    try:
        await anyio.sleep_forever()
    finally:
        raise ValueError("worker broke while stopping")


async def app_failing_on_cancel():
    async with anyio.create_task_group() as tg:
        tg.start_soon(fails_when_cancelled)
        await anyio.sleep_forever()


async def app_failing():
    async with anyio.create_task_group() as tg:

        async def broken():
            raise ValueError("broken")

        tg.start_soon(broken)
        await anyio.sleep_forever()


async def app_waiting():
    async with anyio.create_task_group() as tg:
        tg.start_soon(anyio.sleep_forever)
        await anyio.sleep_forever()


async def cancelled_run(mod, app):
    """Run `mod.serve(app)` in a scope cancelled once it is waiting; what it returned, and the scope."""
    returned = []

    async def runner():
        returned.append(await mod.serve(app))

    with anyio.move_on_after(BOUND) as guard:
        with anyio.CancelScope() as scope:
            async with anyio.create_task_group() as tg:
                tg.start_soon(runner)
                await anyio.sleep(0.01)
                scope.cancel()
    expect(not guard.cancelled_caught, "the cancelled runner did not end")
    return returned, scope


async def scenario(mod, lib):
    # (b) No cancel: the error is logged, the runner returns.
    mod.log.clear()
    with anyio.move_on_after(BOUND) as guard:
        result = await mod.serve(app_failing)
    expect(not guard.cancelled_caught and result is None, f"(b) no cancel: returned {result!r}")
    expect(mod.log == [("error", "broken"), "served"], f"(b) no cancel: logged {mod.log}")

    # (a) Cancelled while the app fails on the way out.
    mod.log.clear()
    returned, scope = await cancelled_run(mod, app_failing_on_cancel)
    expect(mod.log[:1] == [("error", "worker broke while stopping")], f"(a) cancelled runner: logged {mod.log}")
    ended_cancelled(scope, "(a) cancelled runner")
    if lib != "asyncio":
        expect(returned == [], f"(a) cancelled runner: it returned {returned} as if served, in its cancelled scope")

    # (c) Cancelled with nothing failing: the cancellation goes on.
    mod.log.clear()
    returned, scope = await cancelled_run(mod, app_waiting)
    expect(returned == [] and mod.log == [], f"(c) plain cancel: returned {returned}, logged {mod.log}")
    ended_cancelled(scope, "(c) plain cancel")


main(["asyncio", "trio", "trio-native"])
