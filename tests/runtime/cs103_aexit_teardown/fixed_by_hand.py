"""Worker pool as an async context manager; leaving the block reaps the workers.

CS103: `__aexit__` cancels and awaits each child with the cancelled-child
idiom.  The handler falls off the end inside a loop and code follows it, so
the fix is classed unsafe (on the pool owner's own cancel it stops reaping).
"""
import asyncio

log: list[str] = []


class WorkerPool:
    def __init__(self, job, size: int):
        self._job = job
        self._size = size
        self.children: list[asyncio.Task] = []

    async def __aenter__(self):
        for i in range(self._size):
            self.children.append(asyncio.create_task(self._job(i), name=f"worker-{i}"))
        return self

    async def __aexit__(self, exc_type, exc, tb):
        for child in self.children:
            child.cancel()
            cancels_before = asyncio.current_task().cancelling()
            try:
                await child
            except asyncio.CancelledError:
                if asyncio.current_task().cancelling() > cancels_before:
                    raise
            log.append(f"reaped {child.get_name()}")
        log.append("pool closed")
