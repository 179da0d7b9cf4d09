"""Today's harmful rewrite (cancelsafe before stoppers in other methods were found): the reader re-raises."""
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
            raise

    def close(self):
        self._reader.cancel()

    async def wait_closed(self):
        await self._reader
        log.append("closed")
