# cancelsafe-case: --select CS101
"""A task whose coroutine the analysis cannot trace, through an attribute the module binds to
whatever the caller gives (`self.job = job`): it may run this module's `drain_events`
(`Runner(drain_events)`), and its result is read without expecting a cancelled task, so the
fix stays unsafe and names the read."""

import asyncio


# Error
async def drain_events(source):
    try:
        await source.read()
    except asyncio.CancelledError:
        pass


class Runner:
    def __init__(self, job):
        self.job = job

    async def once(self, source):
        task = asyncio.create_task(self.job(source))
        await asyncio.wait([task])
        return task.result()
