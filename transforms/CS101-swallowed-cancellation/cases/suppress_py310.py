# cancelsafe-case: --target-version py310
"""On a py310 target the `suppress` form is reported without a fix (`Task.cancelling()`
is 3.11+); the plain handler is still fixed with a bare `raise`."""

import asyncio
import contextlib
import logging

logger = logging.getLogger("cache")


# Report only on py310.
# Error
async def prefetch(fetch) -> None:
    with contextlib.suppress(asyncio.CancelledError):
        await fetch()


# The bare `raise` needs no 3.11 API: fixed on every target.
# Error
async def refresh_forever(cache, fetch, interval: float) -> None:
    try:
        while True:
            cache.update(await fetch())
            await asyncio.sleep(interval)
    except asyncio.CancelledError:
        logger.info("refresher stopped")


# OK
async def best_effort_ping(conn) -> None:
    with contextlib.suppress(ConnectionError):
        await conn.ping()
