"""Today's harmful rewrite (cancelsafe before the count-snapshot form): `return True` became a plain `raise`."""
import asyncio

log: list = []


class Job:
    def __init__(self, work):
        self._task = asyncio.get_running_loop().create_task(work())
        self.abort_requested = False

    async def result(self):
        return await asyncio.shield(self._task)

    async def abort(self) -> bool:
        self.abort_requested = True
        self._task.cancel()
        try:
            await self.result()
        except asyncio.CancelledError:
            log.append("aborted")
            raise
        return False
