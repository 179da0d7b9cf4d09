"""Service starter that gives up when cancelled while waiting to be ready.

CS101: `from asyncio import CancelledError as CE` (no `import asyncio` at all)
and `except CE:` with a bare `return`.
"""
from asyncio import CancelledError as CE
from asyncio import Event

log: list[str] = []


async def serve_when_ready(ready: Event, serve) -> None:
    try:
        await ready.wait()
    except CE:
        log.append("gave up waiting")
        raise
    log.append("ready")
    await serve()
