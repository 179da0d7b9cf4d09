# cancelsafe-case: --select CS101
"""A task whose coroutine is not traced to a function of the module but is handed one as an
argument (`create_task(asyncio.wait_for(self.worker(), 5))`): the task runs `wait_for`, which runs
the worker, so the read of its result may be of this coroutine's outcome: unsafe fix, naming the
read."""

import asyncio


class Service:
    # Error
    async def worker(self):
        try:
            await asyncio.sleep(1)
        except asyncio.CancelledError:
            return None

    async def start(self):
        task = asyncio.create_task(asyncio.wait_for(self.worker(), 5))
        await asyncio.wait([task])
        return task.result()
