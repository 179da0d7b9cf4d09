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
def queue_of(*items):
    queue = asyncio.Queue()
    for item in items:
        queue.put_nowait(item)
    return queue


async def scenario(mod):
    slow = mod.TIMEOUT * 1.5  # the consumer's work per item: longer than the generator's timeout

    # (a) A slow consumer gets every item, in order, and is not cancelled while it works.
    async def consume_slowly():
        seen = []
        async for message in mod.messages(queue_of("a", "b", "c", None)):
            await asyncio.sleep(slow)
            seen.append(message)
        return seen

    consumer = asyncio.create_task(consume_slowly())
    await finish(consumer, "(a) slow consumer", bound=BOUND + 4 * slow)
    if consumer.cancelled():
        fail("(a) the consumer was cancelled while working on an item: the generator's timeout fired in the consumer's code")
    seen = await ends_normally(consumer, "(a) slow consumer")
    expect(seen == ["a", "b", "c"], f"(a) the consumer got {seen!r}, expected ['a', 'b', 'c']")

    # (b) The generator's own timeout still bounds its own wait: TimeoutError at `async for`.
    async def consume_from_silent_source():
        async for message in mod.messages(asyncio.Queue()):
            return message

    await ends_raising(asyncio.create_task(consume_from_silent_source()), TimeoutError, "(b) a silent source")

    # (c) A cancel of the consumer while it waits for the next item still cancels it.
    source = asyncio.Queue()

    async def consume_forever():
        async for message in mod.messages(source):
            pass

    consumer = asyncio.create_task(consume_forever())
    await asyncio.sleep(0.01)
    consumer.cancel()
    await ends_cancelled(consumer, "(c) the consumer cancelled while waiting")

    # (d) A consumer that stops early and keeps the generator around is not cancelled later by
    #     the timer of the block it left.
    async def stop_after_first():
        generator = mod.messages(queue_of("a", "b"))
        async for message in generator:
            break
        await asyncio.sleep(slow)
        await generator.aclose()
        return message

    first = await ends_normally(asyncio.create_task(stop_after_first()), "(d) a consumer that stopped early")
    expect(first == "a", f"(d) got {first!r}")


if __name__ == "__main__":
    main()
