"""Cancels written on one line with other code: the wait still goes right after the cancel."""

import asyncio


class Pair:
    def __init__(self) -> None:
        self._left = asyncio.create_task(self.run())
        self._right = asyncio.create_task(self.run())

    async def run(self) -> None:
        async with self._lock:  # work with cleanup: the lock is released on cancel
            await asyncio.sleep(1)

    # A body on the `if` line, and a statement after a `;`.
    # Error
    async def stop(self) -> int:
        if self._left: self._left.cancel()
        self._right.cancel(); stopped = 2
        return stopped


# A one-line loop.
# Error
async def stop_all(jobs) -> None:
    tasks = [asyncio.create_task(job()) for job in jobs]
    await asyncio.sleep(1)
    for task in tasks: task.cancel()


class Replicator:
    def __init__(self) -> None:
        self._replication_stream_listener = asyncio.create_task(self.run())
        self._replication_heartbeat_sender = asyncio.create_task(self.run())
        self._replication_snapshot_compactor = asyncio.create_task(self.run())

    async def run(self) -> None:
        async with self._lock:  # work with cleanup: the lock is released on cancel
            await asyncio.sleep(1)

    # A wait too long for one line, or for one line of arguments: one argument a line, with a
    # trailing comma, as black writes it.
    # Error
    async def shutdown(self) -> None:
        self._replication_stream_listener.cancel()
        self._replication_heartbeat_sender.cancel()
        self._replication_snapshot_compactor.cancel()
