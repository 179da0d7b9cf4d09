"""Today's harmful rewrite (cancelsafe before the count-snapshot form): a plain `raise`."""
import asyncio

log: list = []


class Job:
    def __init__(self):
        self._done = asyncio.get_running_loop().create_future()

    def finish(self, value):
        self._done.set_result(value)

    def abort(self):
        self._done.cancel()

    async def outcome(self):
        return await self._done


async def worker(queue):
    try:
        while True:
            job = await queue.get()
            log.append(("done", await job.outcome()))
    except asyncio.CancelledError:
        log.append("worker stopped")
        raise
