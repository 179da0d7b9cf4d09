# cancelsafe-case: --target-version py310
"""On a py310 target `Task.cancelling()` does not exist: findings, no fix."""

import asyncio


class Ticker:
    def __init__(self, tick, interval: float) -> None:
        self._task = asyncio.create_task(self._run(tick, interval))

    async def _run(self, tick, interval: float) -> None:
        while True:
            tick()
            await asyncio.sleep(interval)

    # Report only.
    # Error
    async def stop(self) -> None:
        self._task.cancel()
        await self._task


# Report only.
# Error
async def stop_probe(probe: asyncio.Task) -> None:
    probe.cancel()
    await asyncio.wait_for(probe, 1)


# OK
async def stop_quietly(ticker: Ticker) -> None:
    ticker._task.cancel()
    await asyncio.gather(ticker._task, return_exceptions=True)
