"""`contextlib.suppress(CancelledError)` around awaiting a cancelled task: rewritten into
the count-snapshot `try`/`except`."""

import asyncio
import contextlib
from contextlib import suppress


class Poller:
    def __init__(self, conn) -> None:
        self._conn = conn
        self._task = asyncio.create_task(self._poll())

    async def _poll(self) -> None:
        while True:
            await self._conn.poll()

    # The `with` is the last statement: safe.
    # Error
    async def stop(self) -> None:
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task

    # `suppress` imported by name, with code after the block: unsafe.
    # Error
    async def close(self) -> None:
        self._task.cancel()
        with suppress(asyncio.CancelledError):
            await self._task
        self._conn.close()


# A `finally` teardown of a local task.
# Error
async def serve(server, ticker) -> None:
    ticker_task = asyncio.create_task(ticker())
    try:
        await server.serve_forever()
    finally:
        ticker_task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await ticker_task


# `suppress` of a task's own errors, not of cancellation.
# OK
async def stop_quietly(task: asyncio.Task) -> None:
    task.cancel()
    with contextlib.suppress(ConnectionError):
        await asyncio.gather(task, return_exceptions=True)
