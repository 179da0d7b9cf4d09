"""Cancels that are leaks but whose wait cannot be added safely: reported with the reason."""

import asyncio
import contextlib


# Every task, this one included: awaiting them all from here would wait for itself.
# Error
async def cancel_everything():
    for task in asyncio.all_tasks():
        task.cancel()


# Only some tasks are cancelled: awaiting them all would wait for those left running.
# Error
async def cancel_named(jobs, name):
    tasks = [asyncio.create_task(job()) for job in jobs]
    await asyncio.sleep(1)
    for task in tasks:
        if task.get_name() == name:
            task.cancel()


class Listener:
    def __init__(self, client) -> None:
        self._client = client
        self._listen_task: asyncio.Task | None = None

    def subscribe(self) -> None:
        self._listen_task = asyncio.create_task(self._listen())

    async def _listen(self) -> None:
        async for event in self._client.events():
            if event is None:
                await self.unsubscribe()

    # Home Assistant's tractive: `_listen` itself calls `unsubscribe`, which would then wait for
    # the task it runs in.
    # Error
    async def unsubscribe(self) -> None:
        if self._listen_task:
            self._listen_task.cancel()
        await self._client.close()


# A cancel inside a `try` whose handler swallows cancellation: a cancel of this task during
# the wait would be swallowed there.
# Error
async def close_logged(job, log):
    task = asyncio.create_task(job())
    try:
        await asyncio.sleep(1)
        task.cancel()
    except BaseException:
        log("close failed")


# Inside `suppress(CancelledError)` with more code after it in the block.
# Error
async def stop_then_flush(job, flush):
    task = asyncio.create_task(job())
    await asyncio.sleep(1)
    with contextlib.suppress(asyncio.CancelledError):
        task.cancel()
        await flush()


class Connection:
    def __init__(self) -> None:
        self._reading_task: asyncio.Task | None = None
        self._reconnection_task: asyncio.Task | None = None

    def connect(self) -> None:
        self._reading_task = asyncio.create_task(self._read_loop())

    async def _read_loop(self) -> None:
        while True:
            if not await self._read():
                await self._on_error()

    async def _read(self) -> bool:
        await asyncio.sleep(1)
        return False

    # nats-py: the reader's error path cancels the reconnection task, and the reconnection
    # task cancels the reader. Awaiting each would make the two wait for each other.
    # Error
    async def _on_error(self) -> None:
        if self._reconnection_task is not None:
            self._reconnection_task.cancel()
        self._reconnection_task = asyncio.create_task(self._reconnect())

    # Error
    async def _reconnect(self) -> None:
        if self._reading_task is not None:
            self._reading_task.cancel()
        await asyncio.sleep(1)
        self._reading_task = asyncio.create_task(self._read_loop())
