"""Client whose close() reaps its keepalive task under contextlib.suppress.

CS103: `with contextlib.suppress(asyncio.CancelledError): await self._keepalive_task`
swallows the keepalive's CancelledError (fine) and also close()'s own cancel.
"""
import asyncio
import contextlib

log: list[str] = []


class Client:
    def __init__(self, transport, ping, interval: float):
        self._transport = transport
        self._ping = ping
        self._interval = interval
        self._keepalive_task = None

    def start(self) -> None:
        self._keepalive_task = asyncio.create_task(self._keepalive())

    async def _keepalive(self) -> None:
        while True:
            await self._ping()
            await asyncio.sleep(self._interval)

    async def close(self) -> None:
        log.append("closing")
        self._transport.close()
        self._keepalive_task.cancel()
        cancels_before = asyncio.current_task().cancelling()
        try:
            await self._keepalive_task
        except asyncio.CancelledError:
            if asyncio.current_task().cancelling() > cancels_before:
                raise
