"""A class-level declaration without a value (`throttle_task: asyncio.Task | None`) binds
nothing: what the attribute holds is what the class assigns it. A timer (a coroutine that only
sleeps, then does plain work) leaks nothing when it is cancelled and left; the declaration says
more only where the class assigns nothing but `None` (a base class whose subclasses start the
task)."""

import asyncio


class Limiter:
    throttle_task: asyncio.Task | None

    def __init__(self):
        self.throttle_task = None

    # Error
    def close(self):
        if self.throttle_task is not None:
            self.throttle_task.cancel()
            self.throttle_task = None


class ManualLimiter(Limiter):
    throttle_task: asyncio.Task | None

    # OK
    def throttle(self, retry_after):
        if self.throttle_task is not None:
            self.throttle_task.cancel()
        self.throttle_task = asyncio.get_running_loop().create_task(self.unlock_later(retry_after))

    async def unlock_later(self, retry_after):
        await asyncio.sleep(retry_after)
        self.throttle_task = None
