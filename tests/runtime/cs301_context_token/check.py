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
# design.md's "Bounded protected cleanup" (d) and (a) for a context-bound cleanup:
# `finally: await scope.aclose()`, where aclose() resets a ContextVar token and must run
# in the task that opened the scope. shield_form.py (the cleanup moved into another task
# by asyncio.shield) must fail on (d).

CLOSE_TIME = 0.1


async def scenario(mod):
    # (d) No cancel: the close runs in the same task and context, exactly as before.
    scope = mod.RequestScope("r1", CLOSE_TIME)
    task = asyncio.create_task(mod.handle(scope, lambda: asyncio.sleep(0)))
    after = await ends_normally(task, "(d) request with no cancel: the scope's aclose() (token reset, same task)")
    expect(scope.closed, "(d) request with no cancel: the scope was not closed")
    expect(after is None, f"(d) request with no cancel: the ContextVar reads {after!r} after the close, expected None")

    # (d) The cleanup's own error still propagates, in the same task.
    scope = mod.RequestScope("r2", CLOSE_TIME)

    async def steal_token():
        scope._token = mod.current_request.set("other")  # a token of a later set: reset() still works
        mod.current_request.reset(scope._token)
        scope._owner = None  # aclose() now raises its own RuntimeError

    task = asyncio.create_task(mod.handle(scope, steal_token))
    exc = await ends_raising(task, RuntimeError, "(d) request whose aclose() raises")
    expect("other than the one" in str(exc), f"(d) request whose aclose() raises: got {exc!r}, not aclose()'s own error")

    # (a) Cancelled during the work, then again during the close: the close still completes,
    #     in the same task, and the task ends cancelled.
    scope = mod.RequestScope("r3", CLOSE_TIME)
    task = asyncio.create_task(mod.handle(scope, lambda: asyncio.sleep(3600)))
    await asyncio.sleep(0.01)
    task.cancel()
    await settle("(a) first cancel: the finally starts the close", lambda: scope.closing)
    task.cancel()
    await ends_cancelled(task, "(a) request cancelled, then cancelled again during aclose()")
    await settle("(a) second cancel during aclose(): the scope is still closed", lambda: scope.closed, bound=1.0)


if __name__ == "__main__":
    main()
