"""Queue consumer that stops quietly when cancelled.

CS101: `except asyncio.CancelledError:` whose exit is a bare `return`.
"""
import asyncio

log: list[str] = []


async def consume(queue: asyncio.Queue) -> None:
    log.append("start")
    try:
        while True:
            item = await queue.get()
            if item is None:
                log.append("eof")
                return
            log.append(f"item {item}")
    except asyncio.CancelledError:
        log.append("consumer cancelled")
        return
