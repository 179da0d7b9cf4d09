"""Async generators that yield inside `asyncio.timeout()`: the final `yield` moves out of the block."""

import asyncio


# A timeout per item: the consumer's time between two items no longer counts against it.
# Error
async def messages(ws):
    while True:
        async with asyncio.timeout(10):
            message = await ws.recv()
            yield message


# A value computed inside the block is still computed there; only handing it over moves out.
# Error
async def records(reader, parse):
    async with asyncio.timeout_at(reader.deadline):
        header = await reader.read(16)
        body = await reader.read(int(header))
        yield parse(header, body)  # one record


# A bare `yield` (a tick) after the awaited work.
# Error
async def ticks(clock):
    for _ in range(3):
        async with asyncio.timeout(1) as scope:
            await clock.wait()
            scope.reschedule(None)
            yield


# Test code: the fix is offered as unsafe.
# Error
async def test_stream(source):
    async with asyncio.timeout(1):
        first = await source.get()
        yield first


# A value over several lines, with a trailing comment.
# Error
async def pairs(ws):
    async with asyncio.timeout(1):
        raw = await ws.recv()
        yield (
            raw,
            len(raw),
        )  # the pair
