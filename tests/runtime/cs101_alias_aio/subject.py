"""Poller written against `import asyncio as aio`.

CS101: `except aio.CancelledError:` that logs and falls off the end.
"""
import asyncio as aio

log: list[str] = []


async def poll(fetch, interval: float) -> None:
    try:
        while True:
            value = await fetch()
            log.append(f"value {value}")
            await aio.sleep(interval)
    except aio.CancelledError:
        log.append("poller stopped")
