"""Line stream as an async generator, consumed with `async for`.

CS101: the generator's `except asyncio.CancelledError: ... return` turns the
consumer's cancel into a normal end of iteration.
"""
import asyncio

log: list[str] = []


async def lines(queue: asyncio.Queue):
    try:
        while True:
            line = await queue.get()
            if line is None:
                return
            yield line
    except asyncio.CancelledError:
        log.append("lines() cancelled")
        return


async def collect(queue: asyncio.Queue) -> list[str]:
    out = []
    async for line in lines(queue):
        out.append(line)
    log.append("collected")
    return out
