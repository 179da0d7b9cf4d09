"""Async generator with a per-item timeout around its `yield` (CS401).

While the consumer works on an item, the generator is suspended at the
`yield` inside `asyncio.timeout()`, and the timeout is still running.  A
consumer slower than the timeout is therefore cancelled at whatever it
awaits: it ends cancelled, with no TimeoutError anywhere.  The fix moves the
`yield` out of the block.
"""
import asyncio

TIMEOUT = 0.2


async def messages(source):
    while True:
        async with asyncio.timeout(TIMEOUT):
            message = await source.get()
            if message is None:
                return
            yield message
