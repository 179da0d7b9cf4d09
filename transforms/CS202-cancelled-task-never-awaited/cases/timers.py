"""Timers: a task whose coroutine only sleeps or waits, then does plain work, has no cleanup,
so a cancel without an await leaks nothing. A coroutine with a `try` or another await may."""

import asyncio


# A timer: the task's coroutine only sleeps, then does plain work. A cancel finds it asleep and
# nothing of it runs after that, so there is no cleanup to wait for.
# OK
class Registration:
    def _set_timeout(self, delay, callback) -> None:
        async def later(delay, callback):
            await asyncio.sleep(delay)
            callback()

        self.timeout = asyncio.create_task(later(delay, callback))

    def refresh(self, delay, callback) -> None:
        self.timeout.cancel()
        self._set_timeout(delay, callback)


class Throttle:
    def __init__(self) -> None:
        self.queue = []
        self.task = None

    async def unlock_later(self, delay) -> None:
        await asyncio.sleep(delay)
        while self.queue:
            self.queue.pop(0).set_result(None)
        self.task = None

    def throttle(self, delay) -> None:
        if self.task is not None:
            self.task.cancel()
        self.task = asyncio.get_running_loop().create_task(self.unlock_later(delay))


# But a coroutine that sleeps inside a `try` has cleanup, and one that awaits other code may.
class Heartbeat:
    def start(self) -> None:
        self.beat = asyncio.create_task(self.run())
        self.poll = asyncio.create_task(self.read())

    async def run(self) -> None:
        try:
            await asyncio.sleep(10)
        finally:
            print("stopped")

    async def read(self) -> None:
        await asyncio.sleep(1)
        await self.fetch()

    async def fetch(self) -> None:
        pass

    # Error
    def stop(self) -> None:
        self.beat.cancel()
        self.poll.cancel()
