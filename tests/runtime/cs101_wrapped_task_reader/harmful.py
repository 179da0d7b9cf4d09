"""The worker's fix classed safe by the build that judged a task running `wait_for(...)` unable to
run the module's coroutines: `start()` now raises TimeoutError when the deadline passes."""
import asyncio


class Service:
    def __init__(self, work_time):
        self.work_time = work_time

    async def worker(self):
        try:
            await asyncio.sleep(self.work_time)
            return "result"
        except asyncio.CancelledError:
            raise

    async def start(self, timeout):
        task = asyncio.create_task(asyncio.wait_for(self.worker(), timeout))
        await asyncio.wait([task])
        return task.result()
