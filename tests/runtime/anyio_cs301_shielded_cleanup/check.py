#!/usr/bin/env python3
"""Runtime check for one cancelsafe scenario (see ../README.md; shared helpers in
../structured_harness.py), under anyio's asyncio and trio backends.

Usage: python check.py /path/to/subject.py
"""
import logging
import os
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from structured_harness import *  # noqa: E402,F403 - fail, expect, settle, ended_cancelled, main, anyio

# ---------------------------------------------------------------- scenario ---
# design.md's "Bounded protected cleanup", for anyio cancel scopes (the cleanup timeout is
# 0.5 s, see args): (a) the cleanup survives the cancel that starts it and a second one;
# (b) a cancel during a normal-path cleanup still ends the scope cancelled; (c) a cleanup that
# hangs is abandoned after its bound and a warning is logged; (d) with no cancel nothing
# changes: a slow cleanup (longer than the bound) completes, and its own exception propagates.

STEP = 0.1
TIMEOUT = 0.5


class Job:
    def __init__(self, work=0.0):
        self.work = work
        self.result = "done"
        self.started = False

    async def run(self, conn):
        self.started = True
        await anyio.sleep(self.work if self.work else 3600)


class Conn:
    def __init__(self, save=STEP, close=STEP, close_error=None):
        self.save_time, self.close_time, self.close_error = save, close, close_error
        self.events = []

    async def save(self, job):
        self.events.append("save start")
        await anyio.sleep(self.save_time)
        self.events.append("saved")

    async def close(self):
        self.events.append("close start")
        await anyio.sleep(self.close_time)
        if self.close_error:
            raise self.close_error
        self.events.append("closed")


DONE = ["save start", "saved", "close start", "closed"]


class Warnings(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())


async def scenario(mod, lib):
    warnings = Warnings()
    logging.getLogger().addHandler(warnings)

    # (d) No cancel: a save longer than the bound still completes, the result is returned.
    conn = Conn(save=TIMEOUT + 0.3)
    result = await within(f"(d) [{lib}] no cancel", mod.run_job, Job(work=0.01), conn)
    expect(result == "done" and conn.events == DONE, f"(d) [{lib}] no cancel, slow save: returned {result!r}, events {conn.events}")
    # (d) The cleanup's own exception, a TimeoutError included, propagates unchanged.
    conn = Conn(close_error=TimeoutError("close timed out"))
    try:
        await within(f"(d) [{lib}] close raising", mod.run_job, Job(work=0.01), conn)
        fail(f"(d) [{lib}] the close's TimeoutError did not propagate")
    except TimeoutError as exc:
        expect(str(exc) == "close timed out", f"(d) [{lib}] a different TimeoutError: {exc!r}")

    # (a) Cancelled while running: the save and the close both run, in order, and the
    #     cancellation then reaches its scope.
    conn, job = Conn(), Job()
    with anyio.move_on_after(0.05) as scope:
        await mod.run_job(job, conn)
    expect(conn.events == DONE, f"(a) [{lib}] cancelled job: the cleanup was cut short (events {conn.events})")
    ended_cancelled(scope, f"(a) [{lib}] cancelled job")

    # (a) A second cancel during the save: neither the save nor the close is skipped.
    conn, job = Conn(), Job()
    with anyio.CancelScope() as outer:
        async with anyio.create_task_group() as tg:
            tg.start_soon(mod.run_job, job, conn)
            await settle(f"(a) [{lib}] job started", lambda: job.started)
            tg.cancel_scope.cancel()
            await settle(f"(a) [{lib}] save started", lambda: "save start" in conn.events)
            outer.cancel()
    expect(conn.events == DONE, f"(a) [{lib}] second cancel during the save: events {conn.events}")

    # (b) Normal return, cancel during the save: both run, and the scope still ends cancelled
    #     (the result does not leave the cancelled scope).
    conn, job, after = Conn(), Job(work=0.01), []

    async def caller():
        after.append(await mod.run_job(job, conn))

    async with anyio.create_task_group() as tg:
        tg.start_soon(caller)
        await settle(f"(b) [{lib}] normal path reaches the save", lambda: "save start" in conn.events)
        tg.cancel_scope.cancel()
    expect(conn.events == DONE, f"(b) [{lib}] cancel during a normal-path save: events {conn.events}")
    expect(after == [], f"(b) [{lib}] the result left the cancelled scope: {after}")
    ended_cancelled(tg.cancel_scope, f"(b) [{lib}] cancel during a normal-path save")

    # (c) A close that hangs after the cancel: abandoned after the bound, a warning is logged,
    #     and the scope ends.
    conn, job = Conn(close=3600), Job()
    started = time.monotonic()
    with anyio.move_on_after(3 * BOUND) as guard:
        with anyio.move_on_after(0.05) as scope:
            await mod.run_job(job, conn)
    took = time.monotonic() - started
    expect(not guard.cancelled_caught and took < TIMEOUT + 0.5, f"(c) [{lib}] a hanging close kept the cancelled job alive ({took:.2f} s)")
    expect(conn.events == ["save start", "saved", "close start"], f"(c) [{lib}] events {conn.events}")
    expect(any("cut off" in m for m in warnings.messages), f"(c) [{lib}] the abandoned close was not logged (warnings {warnings.messages})")
    ended_cancelled(scope, f"(c) [{lib}] hanging close")
    logging.getLogger().removeHandler(warnings)


main(["asyncio", "trio"])
