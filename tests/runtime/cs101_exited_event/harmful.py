"""Today's unsafe rewrite (cancelsafe before code after the try was kept reachable): the re-raise skips `exited.set()`."""
import asyncio

log: list = []


class Worker:
    def __init__(self, source):
        self._source = source
        self._task = None
        self.exited = asyncio.Event()
        self.state = "idle"

    def start(self):
        self._task = asyncio.get_running_loop().create_task(self.run())
        return self._task

    async def run(self):
        self.state = "running"
        try:
            while True:
                log.append(await self._source())
        except asyncio.CancelledError:
            log.append("cancelled")
            raise
        self.state = "stopped"
        self.exited.set()

    async def stop(self):
        self._task.cancel()
        await self.exited.wait()
