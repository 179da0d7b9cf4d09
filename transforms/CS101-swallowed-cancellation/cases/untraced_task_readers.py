# cancelsafe-case: --select CS101
"""Reads of a task whose coroutine the analysis cannot trace to a function: the read may be of
this coroutine's task only if the spawned call can reach one of the module's functions, by its
name or through a name or attribute the module binds. A method of an object from elsewhere
runs that code, not this module's."""

import asyncio


# `self.slots.acquire()` is asyncio's semaphore, and nothing in the module is named or bound
# `acquire`: the read of `acquire_task.result()` never reads this coroutine's task: safe fix.
# Error
async def drain_jobs(queue, done):
    while True:
        try:
            done.append(await queue.get())
        except asyncio.CancelledError:
            break


class Slots:
    def __init__(self):
        self.slots = asyncio.Semaphore(2)

    async def take(self, stop):
        acquire_task = asyncio.create_task(self.slots.acquire())
        await asyncio.wait({acquire_task, asyncio.create_task(stop.wait())}, return_when=asyncio.FIRST_COMPLETED)
        return acquire_task.done() and acquire_task.result()
