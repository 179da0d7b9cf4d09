# cancelsafe-case: --cleanup-timeout 2.5
"""A websocket relay that imports asyncio as `aio`: the inserted helper spells
`aio.current_task` and `aio.CancelledError`, with the case's `--cleanup-timeout 2.5` as the
bound; the module's own `import logging` is reused and `import sys` is added."""

import asyncio as aio
import logging

log = logging.getLogger("relay")


# Error
async def relay(ws, upstream) -> None:
    try:
        async for frame in ws:
            await upstream.send(frame)
    finally:
        await upstream.close()


# `except aio.CancelledError:`; the sync `finally` is left alone.
# Error
async def session(ws, registry: set) -> None:
    registry.add(ws)
    try:
        await ws.wait_closed()
    except aio.CancelledError:
        await ws.close(code=1001, reason="server shutdown")
        raise
    finally:
        registry.discard(ws)


# Already shielded under the alias.
# OK
async def relay_shielded(ws, upstream) -> None:
    try:
        async for frame in ws:
            await upstream.send(frame)
    finally:
        await aio.shield(upstream.close())


# A delay under the alias.
# OK
async def reconnecting(ws_factory, delay: float) -> None:
    try:
        ws = await ws_factory()
        await ws.wait_closed()
    finally:
        log.info("reconnecting in %.1fs", delay)
        await aio.sleep(delay)
