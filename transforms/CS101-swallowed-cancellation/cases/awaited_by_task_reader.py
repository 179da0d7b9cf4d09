# cancelsafe-case: --select CS101
"""A coroutine awaited by the coroutine a task runs (`create_task(self.session())`, whose body
awaits `self.stop_playback()`): a cancellation it ends with ends the task, so the read of the
task's result reads this coroutine's outcome too: unsafe fix, naming the read."""

import asyncio


class Agent:
    # Error
    async def stop_playback(self, playback):
        playback.cancel()
        try:
            await asyncio.sleep(1)
        except asyncio.CancelledError:
            pass

    async def session(self, playback):
        await self.stop_playback(playback)
        return "ended"

    async def start(self, playback):
        task = asyncio.create_task(self.session(playback))
        await asyncio.wait([task])
        return task.result()
