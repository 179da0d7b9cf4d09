"""A worker that runs jobs; a job aborted elsewhere hands back its CancelledError as its outcome.

CS101: `except CancelledError` around `await job.outcome()`. The CancelledError there is often
the aborted *job's*, not the worker's: the worker then stops quietly, as designed. A plain
`raise` turns that into a cancel of the worker (its task ends cancelled although nobody
cancelled it); the count-snapshot fix re-raises only the worker's own cancel.
"""
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
