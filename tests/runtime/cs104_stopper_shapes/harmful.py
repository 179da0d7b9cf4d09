"""Today's harmful rewrite (cancelsafe before these stoppers were found): the workers re-raise, the stoppers break."""
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
            raise

    async def _watch(self):
        try:
            while True:
                await asyncio.sleep(0.01)
        except asyncio.CancelledError:
            log.append("monitor stopped")
            raise

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
        cancels_before = asyncio.current_task().cancelling()
        try:
            await asyncio.gather(*self._tasks)
        except asyncio.CancelledError:
            if asyncio.current_task().cancelling() > cancels_before:
                raise
        log.append("pool stopped")

    async def stop_monitor(self):
        self._monitor.cancel()
        cancels_before = asyncio.current_task().cancelling()
        try:
            await asyncio.wait_for(self._monitor, timeout=1)
        except asyncio.CancelledError:
            if asyncio.current_task().cancelling() > cancels_before:
                raise


async def supervise(pool, main):
    pool.start()
    try:
        await main()
    finally:
        await pool.stop_all()
