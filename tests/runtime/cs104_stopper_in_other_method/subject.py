"""A connection whose reader task is cancelled by close() and awaited by wait_closed().

CS101: the reader swallows its cancel, so `await self._reader` in wait_closed() returns
quietly. Fixing the reader alone (today's "safe" fix) makes every wait_closed() after close()
raise CancelledError into a caller nobody cancelled. The stopper is in another method, so its
CS104 fix is unsafe (a caller may want the reader's CancelledError), and the reader's fix is
unsafe with it, naming that stopper: --write applies neither; --unsafe-fixes applies both.
"""
import asyncio

log: list = []


class Connection:
    def __init__(self, transport):
        self._transport = transport
        self._reader = asyncio.get_running_loop().create_task(self._read())

    async def _read(self):
        try:
            while True:
                log.append(await self._transport.read())
        except asyncio.CancelledError:
            log.append("reader stopped")

    def close(self):
        self._reader.cancel()

    async def wait_closed(self):
        await self._reader
        log.append("closed")
