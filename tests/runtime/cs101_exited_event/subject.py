"""A worker whose stop() cancels it and waits for its `exited` event.

CS101: the handler falls through to the code after the `try`, which resets the state and sets
`exited`. A re-raise that skips that code (today's unsafe fix) makes stop() hang forever; the
fix runs that code before the re-raise, so the cancel path still reaches it.
"""
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
        self.state = "stopped"
        self.exited.set()

    async def stop(self):
        self._task.cancel()
        await self.exited.wait()
