"""Heartbeat sender that ends "cleanly" when cancelled.

CS101: `except asyncio.CancelledError: pass` at the function tail.
"""
import asyncio

log: list[str] = []


async def heartbeat(send, interval: float) -> None:
    try:
        while True:
            await send(b"PING")
            log.append("ping")
            await asyncio.sleep(interval)
    except asyncio.CancelledError:
        raise
