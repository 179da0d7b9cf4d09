"""The runner's fix by hand: the cancel re-raised after the loop's last step."""
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
                log.append("runner stopped")
                raise
        log.append("runner stopped")
