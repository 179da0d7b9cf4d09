"""The stopper shapes services use: each awaits a task it (or its class) has cancelled."""

import asyncio
import logging

logger = logging.getLogger(__name__)


class Pool:
    def __init__(self) -> None:
        self._tasks: list[asyncio.Task] = []
        self._reader: asyncio.Task | None = None

    def start(self, jobs, read) -> None:
        self._tasks = [asyncio.create_task(job()) for job in jobs]
        self._reader = asyncio.create_task(read())

    def _cancel_all(self) -> None:
        for task in self._tasks:
            task.cancel()

    # Cancel in one loop, await in a second loop.
    # Error
    async def stop_one_by_one(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            await task

    # `gather` raises at the first cancelled child while the others still run: the fix waits
    # for every cancelled one before it carries on.
    # Error
    async def stop_all(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks)
        logger.info("pool stopped")

    # The cancel is in a helper this method calls first.
    # Error
    async def shutdown(self) -> None:
        self._cancel_all()
        await asyncio.gather(*self._tasks)

    # `wait_for` of the cancelled task.
    # Error
    async def stop_reader(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
            await asyncio.wait_for(self._reader, timeout=5)

    def close(self) -> None:
        self._reader.cancel()

    # Cancelled in `close()`, awaited here: found, and the fix is unsafe (a caller of
    # `wait_closed()` may take the CancelledError as the reader's outcome).
    # Error
    async def wait_closed(self) -> None:
        await self._reader


# Teardown in a `finally`: runs while this task is already being cancelled.
# Error
async def run_with_helpers(main, helpers) -> None:
    tasks = [asyncio.create_task(helper()) for helper in helpers]
    try:
        await main()
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks)
