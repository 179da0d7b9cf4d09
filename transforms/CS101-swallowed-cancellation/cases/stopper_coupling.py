# cancelsafe-case: --select CS101,CS104
"""A child's fix changes what its stopper sees: safe only together with the stopper's."""

import asyncio
import logging

logger = logging.getLogger(__name__)


class Poller:
    def __init__(self, client) -> None:
        self._client = client
        self._task = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._poll())

    # Its stopper `stop()` cancels and awaits the task bare; CS104 fixes that stopper safely
    # in the same run, so this fix is safe.
    # Error
    async def _poll(self) -> None:
        try:
            while True:
                await self._client.poll()
        except asyncio.CancelledError:
            logger.info("poller stopped")

    async def stop(self) -> None:
        self._task.cancel()
        await self._task


class Watcher:
    def __init__(self, client) -> None:
        self._client = client
        self._task = None
        self.changes = []

    def start(self) -> None:
        self._task = asyncio.create_task(self._watch())

    # Its task is cancelled in `close()` and awaited by `wait_closed()`, whose fix is unsafe:
    # this fix is unsafe too, and names that stopper.
    # Error
    async def _watch(self) -> None:
        try:
            async for change in self._client.changes():
                self.changes.append(change)
        except asyncio.CancelledError:
            logger.info("watcher stopped")

    def close(self) -> None:
        self._task.cancel()

    async def wait_closed(self) -> None:
        await self._task


async def worker(queue) -> None:
    # Its stopper is `main()`, whose value-taking `gather` gets no fix: unsafe.
    # Error
    try:
        while True:
            await queue.get()
    except asyncio.CancelledError:
        logger.info("worker stopped")


async def main(queue) -> list:
    workers = [asyncio.create_task(worker(queue)) for _ in range(3)]
    await queue.join()
    for task in workers:
        task.cancel()
    results = await asyncio.gather(*workers)
    return results
