"""Awaits of tasks that CS104 leaves alone: already handled, not cancelled, or not raising."""

import asyncio
import logging

logger = logging.getLogger("service")


class Worker:
    def __init__(self, job) -> None:
        self._task = asyncio.create_task(job())
        self._flusher = asyncio.create_task(job())

    # Already wrapped in the count-snapshot form.
    # OK
    async def stop(self) -> None:
        self._task.cancel()
        cancels_before = asyncio.current_task().cancelling()
        try:
            await self._task
        except asyncio.CancelledError:
            if asyncio.current_task().cancelling() > cancels_before:
                raise

    # A handler for CancelledError around the await: not CS104's (CS103 judges handlers;
    # this one re-raises, so neither rule reports it).
    # OK
    async def stop_logged(self) -> None:
        self._task.cancel()
        try:
            await self._task
        except asyncio.CancelledError:
            logger.debug("worker stopped")
            raise

    # `return_exceptions=True`: gather returns the child's CancelledError.
    # OK
    async def shutdown(self) -> None:
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)

    # Cancels one task and awaits a different one (which ends by itself).
    # OK
    async def finish(self) -> None:
        self._task.cancel()
        await self._flusher

    # Awaited without being cancelled first.
    # OK
    async def join(self) -> None:
        await self._task


# Tasks of a TaskGroup are cancelled and awaited by the group.
# OK
async def run_pair(left, right) -> None:
    async with asyncio.TaskGroup() as tg:
        first = tg.create_task(left())
        tg.create_task(right())
        await asyncio.sleep(1)
        first.cancel()


# A `cancel()` of a timer handle, not of the awaited task.
# OK
async def wait_with_reminder(loop: asyncio.AbstractEventLoop, task: asyncio.Task, remind) -> None:
    handle = loop.call_later(60, remind)
    handle.cancel()
    await task
