"""A service that runs its worker under a deadline as a task of its own,
`create_task(asyncio.wait_for(self.worker(), timeout))`, and reads that task's result.

CS101: the worker swallows its cancel and returns None. That is how the deadline ends it: the
deadline cancels the worker, which returns None, and `wait_for` hands None on, which `start()`
reads as "no result in time". A re-raise makes `wait_for` raise TimeoutError there, and the read
of the task's result raises it out of `start()`, which nobody cancelled. The task runs
`wait_for`, not the worker, but the worker's coroutine is its argument: the fix must stay
unsafe and name the read.
"""
import asyncio


class Service:
    def __init__(self, work_time):
        self.work_time = work_time

    async def worker(self):
        try:
            await asyncio.sleep(self.work_time)
            return "result"
        except asyncio.CancelledError:
            return None

    async def start(self, timeout):
        task = asyncio.create_task(asyncio.wait_for(self.worker(), timeout))
        await asyncio.wait([task])
        return task.result()
