"""The module's own spelling of asyncio."""

import asyncio as aio


# Error
async def lines(stream):
    while not stream.at_eof():
        async with aio.timeout(5):
            line = await stream.readline()
            yield line.decode()
