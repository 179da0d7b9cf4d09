"""The module's own spelling of asyncio is reused; an import is added when there is none."""

import asyncio as aio
from asyncio import create_task


class Streamer:
    def __init__(self) -> None:
        self._pump = create_task(self.pump())

    async def pump(self) -> None:
        async with self._lock:  # work with cleanup: the lock is released on cancel
            await aio.sleep(1)

    # Error
    async def aclose(self) -> None:
        self._pump.cancel()
