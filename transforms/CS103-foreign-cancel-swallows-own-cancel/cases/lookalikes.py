"""Stoppers that already tell the awaited task's cancel from their own, or that cannot
swallow it."""

import asyncio
import logging

logger = logging.getLogger("service")


class Worker:
    def __init__(self, job) -> None:
        self._task = asyncio.create_task(job())

    # Already in the count-snapshot form (under another name).
    # OK
    async def stop(self) -> None:
        self._task.cancel()
        n = asyncio.current_task().cancelling()
        try:
            await self._task
        except asyncio.CancelledError:
            if asyncio.current_task().cancelling() > n:
                raise

    # The aiohttp / Home Assistant hand-written guard.
    # OK
    async def async_stop(self) -> None:
        self._task.cancel()
        try:
            await self._task
        except asyncio.CancelledError:
            if (task := asyncio.current_task()) and task.cancelling():
                raise

    # The handler re-raises.
    # OK
    async def abort(self) -> None:
        self._task.cancel()
        try:
            await self._task
        except asyncio.CancelledError:
            logger.debug("worker aborted")
            raise

    # `return_exceptions=True` returns the child's CancelledError instead of raising it.
    # An own cancel still propagates.
    # OK
    async def shutdown(self) -> None:
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)

    # `asyncio.wait` never raises the child's exception.
    # OK
    async def drain(self, timeout: float) -> bool:
        self._task.cancel()
        done, _ = await asyncio.wait({self._task}, timeout=timeout)
        return bool(done)


# gather of many children with return_exceptions=True, then inspect.
# OK
async def stop_all(tasks: list[asyncio.Task]) -> None:
    for task in tasks:
        task.cancel()
    results = await asyncio.gather(*tasks, return_exceptions=True)
    for task, result in zip(tasks, results):
        if isinstance(result, Exception):
            logger.error("%s failed: %r", task.get_name(), result)


# anyio's task group exit: the exception is handed to the cancel scope's `__exit__`, which
# swallows only the cancellation the scope delivered itself (and uncancels it).
class TaskGroup:
    def __init__(self, cancel_scope) -> None:
        self.cancel_scope = cancel_scope
        self._tasks: set[asyncio.Task] = set()

    # OK
    async def __aexit__(self, exc_type, exc_val, exc_tb) -> bool:
        try:
            while self._tasks:
                await asyncio.wait(self._tasks)
                for task in self._tasks:
                    await task
        except BaseException as exc:
            if self.cancel_scope.__exit__(type(exc), exc, exc.__traceback__):
                return True
            raise
        return False
