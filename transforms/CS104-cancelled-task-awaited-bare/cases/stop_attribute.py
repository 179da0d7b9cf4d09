"""Services that stop their background task with `cancel()` and then a bare `await`. The
await raises the child's CancelledError in the stopper, which nobody cancelled."""

import asyncio
import logging

logger = logging.getLogger("service")


class MetricsReporter:
    def __init__(self, client, interval: float = 30.0) -> None:
        self._client = client
        self._interval = interval
        self._task: asyncio.Task | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._report_loop())

    async def _report_loop(self) -> None:
        while True:
            await self._client.push()
            await asyncio.sleep(self._interval)

    # The await is the last statement.
    # Error
    async def stop(self) -> None:
        self._task.cancel()
        await self._task

    # Code after the await used to be skipped by the child's CancelledError; after the
    # fix it runs.
    # Error
    async def close(self) -> None:
        self._task.cancel()
        await self._task
        self._task = None
        await self._client.aclose()

    # `cancel()` inside an `if`, still the statement just before the await.
    # Error
    async def restart(self) -> None:
        if not self._task.done():
            self._task.cancel()
        await self._task
        self.start()


class Connection:
    def __init__(self, reader, writer) -> None:
        self._reader_task = asyncio.create_task(reader())
        self._writer_task = asyncio.create_task(writer())

    # Two stops in a row: each await is wrapped in its own snapshot `try`.
    # Error
    async def disconnect(self) -> None:
        self._reader_task.cancel()
        await self._reader_task
        self._writer_task.cancel()
        await self._writer_task
