"""Cancels that CS202 leaves alone: the task is awaited, handed on, someone else's, or has
nothing to clean up."""

import asyncio
import contextlib


class Client:
    def __init__(self) -> None:
        self._reader: asyncio.Task | None = None
        self._tasks: set[asyncio.Task] = set()
        self._condition = asyncio.Condition()

    def start(self, reader) -> None:
        self._reader = asyncio.create_task(reader())

    # Cancelled here, awaited by `wait_closed` (asyncio.Server's close / wait_closed pair).
    # OK
    def close(self) -> None:
        if self._reader is not None:
            self._reader.cancel()

    async def wait_closed(self) -> None:
        if self._reader is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader

    def spawn(self, job) -> None:
        task = asyncio.create_task(job())
        self._tasks.add(task)
        task.add_done_callback(self._on_done)

    def _on_done(self, task: asyncio.Task) -> None:
        self._tasks.discard(task)
        if not self._tasks:
            self._condition.notify_all()

    def _idle(self) -> bool:
        return not self._tasks

    # kopf's scheduler: the tasks leave the set when done, and `wait()` waits until it is empty.
    # OK
    async def shutdown(self) -> None:
        for task in self._tasks:
            task.cancel()
        await self.wait()

    async def wait(self) -> None:
        async with self._condition:
            await self._condition.wait_for(self._idle)


# Awaited right after the cancel, in the ways real stoppers do it.
# OK
async def stop_all(jobs):
    tasks = [asyncio.create_task(job()) for job in jobs]
    single = asyncio.create_task(jobs[0]())
    await asyncio.sleep(1)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    single.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await single


# Cancel in one loop, await in a second loop; cancel and await in the same loop.
# OK
async def stop_each(jobs):
    first = [asyncio.create_task(job()) for job in jobs]
    second = [asyncio.create_task(job()) for job in jobs]
    for task in first:
        task.cancel()
    for task in first:
        try:
            await task
        except asyncio.CancelledError:
            pass
    for task in second:
        task.cancel()
        await asyncio.wait([task])


# Polled until it is done; waited with a bound.
# OK
async def stop_polling(job):
    task = asyncio.create_task(job())
    other = asyncio.create_task(job())
    await asyncio.sleep(1)
    task.cancel()
    while not task.cancelled():
        await asyncio.sleep(0.01)
    other.cancel()
    await asyncio.wait({other}, timeout=5)


# Handed on: returned to the caller, or passed to a helper that may await it.
# OK
async def cancel_and_return(job):
    task = asyncio.create_task(job())
    await asyncio.sleep(1)
    task.cancel()
    return task


# OK
async def cancel_and_hand_over(job, reaper):
    task = asyncio.create_task(job())
    await asyncio.sleep(1)
    task.cancel()
    reaper.collect(task)


# A task the caller passed in: the caller holds it and decides.
# OK
async def stop_task(task: asyncio.Task) -> None:
    task.cancel()


class Guard:
    # Home Assistant's timeout: it cancels the task it guards, someone else's task.
    def __init__(self, task: asyncio.Task) -> None:
        self._task: asyncio.Task = task

    # OK
    def on_timeout(self) -> None:
        self._task.cancel()


# Tasks of a TaskGroup are awaited by the group.
# OK
async def run_pair(left, right):
    async with asyncio.TaskGroup() as tg:
        first = tg.create_task(left())
        tg.create_task(right())
        await asyncio.sleep(1)
        first.cancel()


# Not tasks: a timer handle, a plain future, an executor future.
# OK
async def not_tasks(loop: asyncio.AbstractEventLoop, remind):
    handle = loop.call_later(60, remind)
    handle.cancel()
    future = loop.create_future()
    future.cancel()
    work = loop.run_in_executor(None, remind)
    work.cancel()


# Tasks that only wait on an event or a sleep have no cleanup to wait for.
# OK
async def wait_for_either(stopped: asyncio.Event, crashed: asyncio.Event):
    waiters = [asyncio.create_task(stopped.wait()), asyncio.create_task(crashed.wait())]
    done, pending = await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
    for waiter in pending:
        waiter.cancel()
    ticker = asyncio.ensure_future(asyncio.sleep(5))
    ticker.cancel()


# Cancelled in a lambda or a callback argument: not a statement of this function.
# OK
async def schedule_stop(loop: asyncio.AbstractEventLoop, job):
    task = asyncio.create_task(job())
    loop.call_later(5, task.cancel)
    await task
