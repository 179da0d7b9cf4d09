# cancelsafe-case: --target-version py310
"""On a py310 target the fix is the same, but unsafe: before Python 3.11 a task keeps no count of
its cancels, so a cancel the cleanup's own code requests and takes back (an `async_timeout` block
inside it) is held back like an outside one and raised when the unit ends."""

import asyncio
import logging

logger = logging.getLogger("cache")


class RedisCache:
    def __init__(self, client) -> None:
        self._client = client
        self._dirty: dict[str, bytes] = {}

    # Error
    async def run(self, interval: float) -> None:
        try:
            while True:
                await asyncio.sleep(interval)
                await self._client.mset(self._dirty)
                self._dirty.clear()
        finally:
            await self._client.mset(self._dirty)
            await self._client.aclose()

    # In a cancellation handler, before the re-raise: a half-written entry is deleted.
    # Error
    async def get_or_load(self, key: str, load) -> bytes:
        await self._client.set(f"loading:{key}", b"1")
        try:
            value = await load(key)
            await self._client.set(key, value)
            await self._client.delete(f"loading:{key}")
            return value
        except asyncio.CancelledError:
            await self._client.delete(key, f"loading:{key}")
            raise


# Already in the older-target fix form.
# OK
async def close_quietly(client) -> None:
    try:
        await client.ping()
    finally:
        try:
            await asyncio.wait_for(asyncio.shield(client.aclose()), 5)
        except asyncio.TimeoutError:
            pass
