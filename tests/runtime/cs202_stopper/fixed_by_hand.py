"""cs202_stopper fixed by hand in the form of docs/fix-forms.md (reference only)."""
import asyncio

log: list = []


class Connection:
    def __init__(self) -> None:
        self.open = True

    def close(self) -> None:
        self.open = False


class Pool:
    def __init__(self, job, n: int) -> None:
        self._job = job
        self._n = n
        self.conn = Connection()
        self._workers: list[asyncio.Task] = []
        self._monitor = None

    def start(self) -> None:
        self._workers = [asyncio.create_task(self._work(i)) for i in range(self._n)]
        self._monitor = asyncio.create_task(self._watch())

    async def _work(self, i: int) -> None:
        try:
            await self._job(i)
        finally:
            log.append(("worker", i, self.conn.open))

    async def _watch(self) -> None:
        try:
            while True:
                await asyncio.sleep(0.01)
        finally:
            log.append(("monitor", None, self.conn.open))

    async def stop(self) -> int:
        for worker in self._workers:
            worker.cancel()
        self._monitor.cancel()
        await asyncio.gather(*self._workers, self._monitor, return_exceptions=True)
        self.conn.close()
        log.append(("stopped", None, self.conn.open))
        return len(self._workers)


async def serve(pool: Pool, ready: asyncio.Event) -> None:
    pool.start()
    ready.set()
    try:
        await asyncio.sleep(3600)
    finally:
        await pool.stop()
