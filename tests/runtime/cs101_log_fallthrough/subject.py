"""Periodic buffer flusher that logs and falls off the end when cancelled.

CS101: the handler's last statement is its own logging (no `return`).
"""
import asyncio

log: list[str] = []


async def flusher(buffer: list, sink, interval: float) -> None:
    try:
        while True:
            await asyncio.sleep(interval)
            if buffer:
                batch = buffer[:]
                buffer.clear()
                await sink(batch)
    except asyncio.CancelledError:
        log.append(f"flusher stopping, {len(buffer)} unflushed")
