"""A pool of workers and the ways services stop them.

CS101: each worker swallows its cancel after a cleanup that takes a moment. Fixing that alone
makes every stopper below raise CancelledError although nobody cancelled it, so the stoppers
are fixed with it (CS104): cancel in one loop and await in a second loop; `gather` of the
cancelled list, which raises at the first cancelled worker while the others still clean up;
`wait_for` of one task; and teardown in a `finally` that runs while the task is already being
cancelled. Every cancelled worker must be finished when a stopper returns.
"""
import asyncio

log: list = []


class Pool:
    def __init__(self, delays):
        self._delays = delays
        self._tasks = []
        self._monitor = None

    def start(self):
        self._tasks = [asyncio.get_running_loop().create_task(self._work(i)) for i in range(len(self._delays))]
        self._monitor = asyncio.get_running_loop().create_task(self._watch())

    async def _work(self, i):
        try:
            while True:
                await asyncio.sleep(0.01)
        except asyncio.CancelledError:
            await asyncio.sleep(self._delays[i])  # a cleanup that takes a moment
            log.append(f"cleanup {i}")

    async def _watch(self):
        try:
            while True:
                await asyncio.sleep(0.01)
        except asyncio.CancelledError:
            log.append("monitor stopped")

    def running(self):
        return [t for t in self._tasks if not t.done()]

    async def stop_one_by_one(self):
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            await task

    async def stop_all(self):
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks)
        log.append("pool stopped")

    async def stop_monitor(self):
        self._monitor.cancel()
        await asyncio.wait_for(self._monitor, timeout=1)


async def supervise(pool, main):
    pool.start()
    try:
        await main()
    finally:
        await pool.stop_all()
