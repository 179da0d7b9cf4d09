"""Queue worker that swallows its cancel, with a stopper awaiting it bare.

Two leaks that must be fixed together:
CS101 in `_run` (`except asyncio.CancelledError: ... return`), and
CS104 in `stop` (`self._task.cancel(); await self._task`).  Today stop()
"works" only because the child swallows its cancel; fixing the child alone
makes stop() raise CancelledError.
"""
import asyncio

log: list[str] = []


class Worker:
    def __init__(self, jobs: asyncio.Queue, handle):
        self._jobs = jobs
        self._handle = handle
        self._task = None
        self.handled = 0

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        try:
            while True:
                job = await self._jobs.get()
                await self._handle(job)
                self.handled += 1
        except asyncio.CancelledError:
            log.append("worker cancelled")
            return

    async def stop(self) -> None:
        self._task.cancel()
        await self._task
