#!/usr/bin/env python3
"""Runtime check for one cancelsafe scenario (see ../README.md; shared helpers in
../structured_harness.py), under anyio's asyncio and trio backends and under trio.run.

Usage: python check.py /path/to/subject.py
"""
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from structured_harness import *  # noqa: E402,F403 - fail, expect, settle, ended_cancelled, main, anyio

# ---------------------------------------------------------------- scenario ---
# The producer's end-of-stream sentinel (cleanup timeout 0.5 s, see args): (a) when the
# producer is cancelled the sentinel still reaches the consumer, and the producer's scope then
# ends cancelled; (b) a sentinel that cannot be delivered is abandoned after the bound and the
# scope still ends; (c) with no cancel nothing changes: every item, then the sentinel.

TIMEOUT = 0.5


async def endless():
    n = 0
    while True:
        yield n
        n += 1
        await anyio.sleep(0.01)


async def three():
    for n in range(3):
        yield n
        await anyio.sleep(0)


async def scenario(mod, lib):
    # (c) No cancel: the items, then the sentinel.
    send, receive = anyio.create_memory_object_stream(10)
    await within(f"(c) [{lib}] no cancel", mod.produce, three(), send.send)
    received = [receive.receive_nowait() for _ in range(4)]
    expect(received == [0, 1, 2, None], f"(c) [{lib}] no cancel: received {received}")

    # (a) The producer is cancelled: the consumer still gets the sentinel and ends.
    send, receive = anyio.create_memory_object_stream(0)
    received = []

    async def consume():
        async for item in receive:
            received.append(item)
            if item is None:
                return

    async with anyio.create_task_group() as tg:
        tg.start_soon(consume)
        with anyio.move_on_after(BOUND) as guard:
            async with anyio.create_task_group() as inner:
                inner.start_soon(mod.produce, endless(), send.send)
                await settle(f"(a) [{lib}] items flowing", lambda: len(received) >= 3)
                inner.cancel_scope.cancel()
        with anyio.move_on_after(BOUND) as wait:
            while not received or received[-1] is not None:
                await anyio.sleep(0.01)
        if wait.cancelled_caught:
            tg.cancel_scope.cancel()
            fail(f"(a) [{lib}] cancelled producer: the end-of-stream sentinel never reached the consumer (received {received[-3:]})")
    expect(not guard.cancelled_caught, f"(a) [{lib}] the cancelled producer did not end")
    ended_cancelled(inner.cancel_scope, f"(a) [{lib}] cancelled producer")

    # (b) Nobody reads the sentinel: abandoned after the bound, the scope still ends.
    send, receive = anyio.create_memory_object_stream(0)
    started = anyio.current_time()
    with anyio.move_on_after(3 * BOUND) as guard:
        with anyio.CancelScope() as scope:
            scope.cancel()
            await mod.produce(three(), send.send)
    took = anyio.current_time() - started
    expect(not guard.cancelled_caught and took < TIMEOUT + 0.5, f"(b) [{lib}] an undeliverable sentinel kept the cancelled producer alive ({took:.2f} s)")
    ended_cancelled(scope, f"(b) [{lib}] undeliverable sentinel")


main(["asyncio", "trio", "trio-native"])
