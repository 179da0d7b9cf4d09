"""A job queue's abort(): it asks the job to stop and waits for its result.

CS101: the aborted job hands back its CancelledError as its result, and `except
CancelledError: return True` is the normal answer "aborted". A plain `raise` there makes
every successful abort raise into its caller. The count snapshot keeps `return True` unless
the task calling abort() is itself cancelled; raising instead of `return True` then is still
a change of a returned value, so the fix is unsafe (applied with --unsafe-fixes).
"""
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
            return True
        return False
