#!/usr/bin/env python3
"""Runtime check for one cancelsafe scenario (see ../README.md; shared helpers in
../structured_harness.py), under trio.

Usage: python check.py /path/to/subject.py
"""
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from structured_harness import *  # noqa: E402,F403 - fail, expect, settle, ended_cancelled, main, anyio

import trio  # noqa: E402

# ---------------------------------------------------------------- scenario ---
# The error report of a group handler (cleanup timeout 0.5 s, see args): (a) the runner's scope
# is cancelled while the app fails: the report still reaches the client and the scope ends
# cancelled; (b) a report nobody takes is abandoned after the bound; (c) with no cancel nothing
# changes: the app's error is reported, and a group of cancellations alone is raised.

TIMEOUT = 0.5
STEP = 0.05


def client():
    sent = []

    async def send(message):
        await trio.sleep(STEP)
        sent.append(message)

    return sent, send


async def fails_when_cancelled():
    try:
        await trio.sleep_forever()
    finally:
        raise ValueError("worker broke while stopping")


async def app_failing_on_cancel():
    async with trio.open_nursery() as nursery:
        nursery.start_soon(fails_when_cancelled)
        await trio.sleep_forever()


async def app_failing():
    async with trio.open_nursery() as nursery:

        async def broken():
            raise ValueError("broken")

        nursery.start_soon(broken)
        await trio.sleep_forever()


async def scenario(mod, lib):
    # (c) No cancel: the app's error is reported, the runner returns.
    sent, send = client()
    with trio.move_on_after(BOUND) as guard:
        await mod.serve(app_failing, send)
    expect(not guard.cancelled_caught and sent == [("error", "broken")], f"(c) no cancel: sent {sent}")

    # (a) The runner's scope is cancelled and the app fails on the way out: the report still
    # goes out, and the scope ends cancelled.
    sent, send = client()
    with trio.move_on_after(3 * BOUND) as guard:
        with trio.CancelScope() as scope:
            async with trio.open_nursery() as nursery:
                nursery.start_soon(mod.serve, app_failing_on_cancel, send)
                await trio.sleep(0.01)
                scope.cancel()
    expect(not guard.cancelled_caught, "(a) the cancelled runner did not end")
    expect(sent == [("error", "worker broke while stopping")], f"(a) cancelled runner: the error report never reached the client (sent {sent})")
    ended_cancelled(scope, "(a) cancelled runner")

    # (b) A report nobody takes is abandoned after the bound; the scope still ends.
    async def stuck(message):
        await trio.sleep_forever()

    started = trio.current_time()
    with trio.move_on_after(3 * BOUND) as guard:
        with trio.CancelScope() as scope:
            async with trio.open_nursery() as nursery:
                nursery.start_soon(mod.serve, app_failing_on_cancel, stuck)
                await trio.sleep(0.01)
                scope.cancel()
    took = trio.current_time() - started
    expect(not guard.cancelled_caught and took < TIMEOUT + 0.5, f"(b) an undeliverable report kept the cancelled runner alive ({took:.2f} s)")
    ended_cancelled(scope, "(b) undeliverable report")


main(["trio-native"])
