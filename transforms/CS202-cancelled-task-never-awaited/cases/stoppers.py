"""Stoppers that cancel their tasks and go on without awaiting them."""

import asyncio
import logging

logger = logging.getLogger("service")


class Poller:
    def __init__(self, client) -> None:
        self._client = client
        self._task: asyncio.Task | None = None

    async def start(self) -> None:
        self._task = asyncio.create_task(self._poll())

    async def _poll(self) -> None:
        while True:
            await self._client.fetch()

    # The classic: cancel, forget the reference, close what the task still uses.
    # Error
    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None
        await self._client.close()


class Pool:
    def __init__(self) -> None:
        self._workers: set[asyncio.Task] = set()
        self._jobs: dict[str, asyncio.Task] = {}
        self._reader = None
        self._writer = None

    def spawn(self, job) -> None:
        task = asyncio.create_task(job())
        self._workers.add(task)
        task.add_done_callback(self._workers.discard)

    def run(self, name, job) -> None:
        self._jobs[name] = asyncio.create_task(job())

    def connect(self, reader, writer) -> None:
        self._reader = asyncio.create_task(reader())
        self._writer = asyncio.create_task(writer())

    # A loop over a task set, then a loop over a dict's values: one wait for both, after the
    # second loop, so every task is cancelled before the first cleanup is waited for.
    # Error
    async def close(self) -> None:
        for worker in self._workers:
            worker.cancel()
        for job in self._jobs.values():
            if not job.done():
                job.cancel()
        self._jobs.clear()
        logger.info("pool closed")

    # Two cancels in a row: awaited together.
    # Error
    async def disconnect(self) -> None:
        self._reader.cancel()
        self._writer.cancel()
        self._reader = self._writer = None


# The loser of a race is cancelled and left running while the winner's result is returned.
# Error
async def first_of(primary, fallback):
    tasks = [asyncio.create_task(primary()), asyncio.create_task(fallback())]
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    for task in pending:
        task.cancel()
    return done.pop().result()


# A helper task cancelled in `finally`: on the normal path and on the teardown path alike.
# Error
async def with_heartbeat(conn, work):
    beat = asyncio.create_task(conn.heartbeat())
    try:
        return await work(conn)
    finally:
        beat.cancel()


# `tasks` leaves the task running this code out, so all of them can be awaited.
# Error
async def shutdown(loop) -> None:
    tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
    for task in tasks:
        task.cancel()
    loop.stop()


# The cancel loop ends a `suppress(CancelledError)` block (which swallows nothing there): the
# wait goes after the block, where a cancel of this task is not swallowed.
# Error
async def stop_quietly(jobs) -> None:
    import contextlib

    tasks = [asyncio.create_task(job()) for job in jobs]
    await asyncio.sleep(1)
    with contextlib.suppress(asyncio.CancelledError):
        for task in tasks:
            task.cancel()
    logger.info("stopped")


# Test code: the fix says so.
# Error
async def test_cancel_reader(stream):
    reader = asyncio.create_task(stream.read())
    await asyncio.sleep(0)
    assert not reader.done()
    reader.cancel()
