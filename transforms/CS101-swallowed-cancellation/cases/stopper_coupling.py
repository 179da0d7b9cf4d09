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


class Relay:
    """The task is spawned into a local and kept once the relay runs (`self._pump = pump`);
    `drain()` waits for it through `wait_for(shield(...))`: both still reach the stopper."""

    def __init__(self, source) -> None:
        self._source = source
        self._pump = None
        self._backlog = []

    async def open(self) -> None:
        pump = asyncio.create_task(self._forward())
        await self._source.ready()
        self._pump = pump

    # Its task is cancelled in `close()` and waited for by `drain()` in another method: unsafe,
    # naming `drain()`.
    # Error
    async def _forward(self) -> None:
        try:
            async for item in self._source:
                self._backlog.append(item)
        except asyncio.CancelledError:
            logger.info("relay stopped")

    def close(self) -> None:
        self._pump.cancel()

    # Error
    async def drain(self) -> None:
        await asyncio.wait_for(asyncio.shield(self._pump), timeout=30)
