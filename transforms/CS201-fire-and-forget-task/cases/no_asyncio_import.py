"""An anyio/trio module that never imports asyncio: its task groups, and a home-grown
scheduler whose attribute happens to be called `loop`, are out of scope. Nothing here is
reported, and no helper is inserted."""

import anyio
import trio


class Scheduler:
    """A tiny in-process scheduler: `create_task` queues a job, nothing asyncio about it."""

    def __init__(self) -> None:
        self.jobs: list = []

    def create_task(self, job) -> None:
        self.jobs.append(job)


class Poller:
    def __init__(self) -> None:
        self.loop = Scheduler()
        self._loop = Scheduler()

    # `loop` here is the home-grown scheduler, in a module without asyncio.
    # OK
    def poll(self, job) -> None:
        self.loop.create_task(job)
        self._loop.create_task(job)


# A trio nursery.
# OK
async def serve(handler, listeners) -> None:
    async with trio.open_nursery() as nursery:
        for listener in listeners:
            nursery.start_soon(handler, listener)


# An anyio task group bound to a loop-like name.
# OK
async def run_all(jobs) -> None:
    async with anyio.create_task_group() as task_loop:
        for job in jobs:
            task_loop.start_soon(job)
