"""Stopping a background task or waiting on a future: the handler swallows the awaited
task's CancelledError, and the current task's own cancel along with it."""

import asyncio
import logging

logger = logging.getLogger("service")


class Heartbeat:
    def __init__(self, conn, interval: float = 10.0) -> None:
        self._conn = conn
        self._interval = interval
        self._task: asyncio.Task | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._beat())

    async def _beat(self) -> None:
        while True:
            await self._conn.ping()
            await asyncio.sleep(self._interval)

    # The attribute form; `self._task = None` after the `try` would be skipped on an own
    # cancel: unsafe.
    # Error
    async def stop(self) -> None:
        self._task.cancel()
        try:
            await self._task
        except asyncio.CancelledError:
            pass
        self._task = None


# A local watchdog torn down in `finally`. That often runs because this task is being
# cancelled, so the count is already 1. The `try` is the last statement: safe.
# Error
async def run_with_watchdog(work, watchdog) -> None:
    guard = asyncio.create_task(watchdog())
    try:
        await work()
    finally:
        guard.cancel()
        try:
            await guard
        except asyncio.CancelledError:
            pass


class RpcClient:
    def __init__(self) -> None:
        self._pending: dict[int, asyncio.Future] = {}
        self._closed: asyncio.Future = asyncio.get_running_loop().create_future()

    # An existing future. It is cancelled when the connection drops, and that may be
    # swallowed. `return None` counts as a plain `return`: safe.
    # Error
    async def wait_reply(self, request_id: int):
        fut = self._pending[request_id]
        try:
            return await fut
        except asyncio.CancelledError:
            logger.info("request %d abandoned", request_id)
            return None
        finally:
            self._pending.pop(request_id, None)

    # A future attribute, `return value`: unsafe.
    # Error
    async def wait_closed(self) -> bool:
        try:
            await self._closed
        except asyncio.CancelledError:
            return False
        return True

    # A fresh call, not an existing task: CS101's case, not CS103's.
    # OK
    async def ping(self) -> None:
        try:
            await self._send(b"PING")
        except asyncio.CancelledError:
            raise

    async def _send(self, data: bytes) -> None:
        await asyncio.sleep(0)


class Uploader:
    def __init__(self, bucket) -> None:
        self._bucket = bucket
        self._task = asyncio.create_task(self._upload_loop())

    async def _upload_loop(self) -> None:
        while True:
            await self._bucket.flush()
            await asyncio.sleep(5)

    # A broad handler around awaiting an existing task is CS103's, not CS102's. The child's
    # own errors are still swallowed, and only an own cancel re-raises. `try` last: safe.
    # Error
    async def stop(self) -> None:
        self._task.cancel()
        try:
            await self._task
        except BaseException:
            logger.debug("uploader stopped")
