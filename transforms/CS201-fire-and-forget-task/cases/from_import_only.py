"""asyncio is only imported by name (`from asyncio import create_task as spawn`, `ensure_future`),
never as a module. The calls are found under their imported names; the helper needs
`asyncio.Task`, `asyncio.current_task` and `asyncio.gather`, so the fix adds `import asyncio`
once, and the helper goes after the imports."""

from asyncio import Queue, ensure_future, get_running_loop
from asyncio import create_task as spawn

from .handlers import handle_event


class EventBus:
    def __init__(self) -> None:
        self._queue: Queue = Queue()

    # `spawn` is `asyncio.create_task` under another name.
    # Error
    async def dispatch_forever(self) -> None:
        while True:
            event = await self._queue.get()
            spawn(handle_event(event), name=f"event-{event.id}")

    # `ensure_future` imported by name.
    # Error
    def publish_later(self, event) -> None:
        ensure_future(self._queue.put(event))

    # A receiver named `loop`, obtained through the imported `get_running_loop`.
    # Error
    async def replay(self, events) -> None:
        loop = get_running_loop()
        for event in events:
            loop.create_task(handle_event(event))

    # Kept and awaited: no finding.
    # OK
    async def dispatch_one(self):
        job = spawn(handle_event(await self._queue.get()))
        return await job
