"""Awaits of tasks that CS104 leaves alone: already handled, not cancelled, or not raising."""

import asyncio
import contextlib
import logging

logger = logging.getLogger("service")


class Worker:
    def __init__(self, job) -> None:
        self._task = asyncio.create_task(job())
        self._flusher = asyncio.create_task(job())

    # Already wrapped in the count-snapshot form.
    # OK
    async def stop(self) -> None:
        self._task.cancel()
        cancels_before = asyncio.current_task().cancelling()
        try:
            await self._task
        except asyncio.CancelledError:
            if asyncio.current_task().cancelling() > cancels_before:
                raise

    # A handler for CancelledError around the await: not CS104's (CS103 judges handlers;
    # this one re-raises, so neither rule reports it).
    # OK
    async def stop_logged(self) -> None:
        self._task.cancel()
        try:
            await self._task
        except asyncio.CancelledError:
            logger.debug("worker stopped")
            raise

    # `return_exceptions=True`: gather returns the child's CancelledError.
    # OK
    async def shutdown(self) -> None:
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)

    # Cancels one task and awaits a different one (which ends by itself).
    # OK
    async def finish(self) -> None:
        self._task.cancel()
        await self._flusher



class Joiner:
    def __init__(self, job) -> None:
        self._task = asyncio.create_task(job())

    # Awaited, and nothing in the class cancels it.
    # OK
    async def join(self) -> None:
        await self._task


class Job:
    def __init__(self, job) -> None:
        self._task = asyncio.create_task(job())

    def abort(self) -> None:
        self._task.cancel()

    # The value is the job's outcome, and an aborted job's outcome is its CancelledError:
    # `abort()` cancels it from elsewhere, and the caller of `result()` asked for that.
    # OK
    async def result(self):
        return await self._task


# Tasks of a TaskGroup are cancelled and awaited by the group.
# OK
async def run_pair(left, right) -> None:
    async with asyncio.TaskGroup() as tg:
        first = tg.create_task(left())
        tg.create_task(right())
        await asyncio.sleep(1)
        first.cancel()


# A `cancel()` of a timer handle, not of the awaited task.
# OK
async def wait_with_reminder(loop: asyncio.AbstractEventLoop, task: asyncio.Task, remind) -> None:
    handle = loop.call_later(60, remind)
    handle.cancel()
    await task


class Remote:
    def __init__(self) -> None:
        self._channel_task: asyncio.Task | None = None

    async def _send_keys(self, keys) -> None:
        await asyncio.sleep(0)

    # Home Assistant's androidtv_remote: the old task is cancelled, a new one takes its
    # name, and the new one is awaited.
    # OK
    async def play_channel(self, keys) -> None:
        if self._channel_task:
            self._channel_task.cancel()
        self._channel_task = asyncio.create_task(self._send_keys(keys))
        await self._channel_task


# distributed's connect: this task is being cancelled, it cancels the child, awaits it and
# re-raises; the child's CancelledError ends the task just as the `raise` would.
# OK
async def connect(done: asyncio.Event, attempt: asyncio.Task):
    try:
        await done.wait()
    except asyncio.CancelledError:
        attempt.cancel()
        await attempt
        raise
    return attempt.result()


# The cancel is in a handler that raises: the await after the `try` is only reached when
# nothing was cancelled.
# OK
async def send_and_wait(queue: asyncio.Queue, make_waiter) -> None:
    waiter = make_waiter()
    try:
        await queue.put(waiter)
    except BaseException:
        waiter.cancel()
        raise
    await waiter


# Cancelled in a branch that returns.
# OK
async def wait_unless_closed(waiter: asyncio.Future, closed: bool) -> None:
    if closed:
        waiter.cancel()
        return
    await waiter


class RequestLoop:
    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._waiter: asyncio.Future | None = None
        self._messages: list = []

    # A waiter future that `close()` cancels to wake the loop: a signal, not a task to stop.
    # OK
    async def next_message(self):
        if not self._messages:
            self._waiter = self._loop.create_future()
            await self._waiter
        return self._messages.pop(0)

    def close(self) -> None:
        if self._waiter is not None:
            self._waiter.cancel()


class Buffer:
    def __init__(self, write, concurrency: int) -> None:
        self._tasks = [asyncio.create_task(write()) for _ in range(concurrency)]

    # `close()` awaits `flush()` before it cancels anything: by then this await is over.
    # OK
    async def flush(self) -> None:
        await asyncio.gather(*self._tasks)

    async def close(self) -> None:
        await self.flush()
        for task in self._tasks:
            task.cancel()


# The bare await sits in `suppress(BaseException)`, which takes the child's cancellation.
# OK
async def stop_suppressed(task):
    try:
        await asyncio.sleep(1)
    except BaseException:
        task.cancel()
        with contextlib.suppress(BaseException):
            await task
        raise
