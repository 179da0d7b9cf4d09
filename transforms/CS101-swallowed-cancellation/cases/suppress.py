"""`contextlib.suppress(CancelledError)` around awaits of fresh calls (py311+ target)."""

import asyncio
import contextlib
import logging
from contextlib import suppress

logger = logging.getLogger("cache")


# The `with` is the last statement: rewritten into the count-snapshot `try`; safe.
# Error
async def prefetch(fetch) -> None:
    with contextlib.suppress(asyncio.CancelledError):
        await fetch()


# Code after the `with` block would run on the cancel path: unsafe.
# Error
async def refresh_token(auth, store) -> str:
    with contextlib.suppress(asyncio.CancelledError):
        store.token = await auth.fetch_token()
    return store.token


# `suppress` imported by name.
# Error
async def warm_cache(cache, loader, keys: list[str]) -> None:
    with suppress(asyncio.CancelledError):
        for key in keys:
            cache[key] = await loader(key)


# No suspension inside: the future is already done.
# OK
async def cached_result(fut: asyncio.Future):
    if not fut.done():
        return None
    with contextlib.suppress(asyncio.CancelledError):
        return fut.result()
    return None


# `suppress` of something other than cancellation.
# OK
async def best_effort_ping(conn) -> None:
    with contextlib.suppress(ConnectionError, TimeoutError):
        await conn.ping()
