"""A job receiver in the shape of taskiq's: a runner task takes jobs off a queue until it is
cancelled, and a slot acquisition races a semaphore's `acquire()`, run as a task of its own,
against a stop event and reads that task's result with `task.result()`.

CS101: the runner breaks out of its loop on cancel instead of ending cancelled. The read of
`acquire_task.result()` reads the task of `self.slots.acquire()`, asyncio's code, never the
runner's: the fix is safe (it was unsafe, with a reason that named this read).
"""
import asyncio

log = []


class Receiver:
    def __init__(self, capacity):
        self.slots = asyncio.Semaphore(capacity)
        self.done = []

    async def acquire_slot(self, stop):
        acquire_task = asyncio.create_task(self.slots.acquire())
        stop_task = asyncio.create_task(stop.wait())
        await asyncio.wait({acquire_task, stop_task}, return_when=asyncio.FIRST_COMPLETED)
        stop_task.cancel()
        if not acquire_task.done():
            acquire_task.cancel()
            return False
        return acquire_task.result()

    async def runner(self, queue):
        while True:
            try:
                job = await queue.get()
                self.done.append(job)
            except asyncio.CancelledError:
                break
        log.append("runner stopped")
