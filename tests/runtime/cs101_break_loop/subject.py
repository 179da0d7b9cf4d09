"""Pump moving items from a queue to a sink; a cancel `break`s out of the loop.

CS101: the exit is `break`; nothing follows the loop, so the fix is safe.
"""
import asyncio

log: list[str] = []


async def pump(source: asyncio.Queue, sink: list) -> None:
    while True:
        try:
            item = await source.get()
        except asyncio.CancelledError:
            log.append("pump cancelled")
            break
        if item is None:
            break
        sink.append(item)
