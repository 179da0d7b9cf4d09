"""cs401_timeout_generator fixed by hand (reference only): the `yield` follows the block."""
import asyncio

TIMEOUT = 0.2


async def messages(source):
    while True:
        async with asyncio.timeout(TIMEOUT):
            message = await source.get()
            if message is None:
                return
        yield message
