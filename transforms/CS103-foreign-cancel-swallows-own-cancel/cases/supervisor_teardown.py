"""Supervisors that cancel and await their children in teardown. Teardown usually runs
*because* the supervisor's own task is being cancelled, so `cancelling()` is already 1.
A plain `if asyncio.current_task().cancelling(): raise` would stop at the first child.
The snapshot taken before each `try` keeps the loop going."""

import asyncio
import logging

logger = logging.getLogger("supervisor")


class Supervisor:
    def __init__(self) -> None:
        self._children: list[asyncio.Task] = []

    def spawn(self, coro) -> asyncio.Task:
        task = asyncio.create_task(coro)
        self._children.append(task)
        return task

    async def __aenter__(self) -> "Supervisor":
        return self

    # A loop over children: unsafe (a new cancel during teardown now stops the loop).
    # Error
    async def __aexit__(self, exc_type, exc, tb) -> None:
        for child in self._children:
            child.cancel()
        for child in self._children:
            try:
                await child
            except asyncio.CancelledError:
                pass
            except Exception:
                logger.exception("child %s failed", child.get_name())
        self._children.clear()


class Pipeline:
    def __init__(self, stages) -> None:
        self._stages = stages
        self._workers: list[asyncio.Task] = []

    async def _main(self) -> None:
        self._workers = [asyncio.create_task(stage.run()) for stage in self._stages]
        await asyncio.wait(self._workers)

    # The outer handler re-raises. The inner one, in a loop, swallows: unsafe.
    # Error
    async def run(self) -> None:
        try:
            await self._main()
        except asyncio.CancelledError:
            for worker in self._workers:
                worker.cancel()
                try:
                    await worker
                except asyncio.CancelledError:
                    logger.debug("stage %s stopped", worker.get_name())
            raise
