# cancelsafe-case: --target-version py310
"""On a py310 target `Task.cancelling()` does not exist: findings, no fix."""

import asyncio
import contextlib


class Heartbeat:
    def __init__(self, conn) -> None:
        self._conn = conn
        self._task = asyncio.create_task(self._beat())

    async def _beat(self) -> None:
        while True:
            await self._conn.ping()
            await asyncio.sleep(10)

    # Report only.
    # Error
    async def stop(self) -> None:
        self._task.cancel()
        try:
            await self._task
        except asyncio.CancelledError:
            pass

    # Report only.
    # Error
    async def close(self) -> None:
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self._conn.close()

    # OK
    async def stop_reraising(self) -> None:
        self._task.cancel()
        try:
            await self._task
        except asyncio.CancelledError:
            self._conn.close()
            raise
