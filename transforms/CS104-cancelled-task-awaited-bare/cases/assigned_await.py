"""The await's value is used, so it is not a bare statement that can be wrapped: these are
reported without a fix."""

import asyncio


class Job:
    def __init__(self, coro) -> None:
        self._task = asyncio.create_task(coro)

    # Report only.
    # Error
    async def cancel_and_collect(self):
        self._task.cancel()
        result = await self._task
        return result

    # Report only, annotated assignment.
    # Error
    async def abort(self) -> list:
        self._task.cancel()
        partial: list = await asyncio.gather(self._task)
        return partial


# Report only.
# Error
async def interrupt(task: asyncio.Task) -> object:
    task.cancel()
    outcome = await asyncio.wait_for(task, 5)
    return outcome
