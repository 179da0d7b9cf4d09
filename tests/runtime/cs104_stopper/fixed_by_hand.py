"""Ticker whose stop() cancels its task and awaits it bare.

CS104: `self._task.cancel(); await self._task` -- stop() raises
CancelledError although nobody cancelled the stopper.
"""
import asyncio

log: list[str] = []


class Ticker:
    def __init__(self, tick):
        self._tick = tick
        self._task = None
        self.count = 0

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        try:
            while True:
                await self._tick()
                self.count += 1
        finally:
            log.append("ticker stopped")

    async def stop(self) -> None:
        self._task.cancel()
        cancels_before = asyncio.current_task().cancelling()
        try:
            await self._task
        except asyncio.CancelledError:
            if asyncio.current_task().cancelling() > cancels_before:
                raise
