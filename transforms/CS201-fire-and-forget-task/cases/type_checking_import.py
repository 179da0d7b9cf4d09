"""`import asyncio` only under `if TYPE_CHECKING:` does not bind `asyncio` at run time: the fix
adds a real `import asyncio` for the helper. An `async def` that adds to a set is not a
tracking function the fix could call (it would return a coroutine), so it is not reused."""

from typing import TYPE_CHECKING

from asyncio import create_task

if TYPE_CHECKING:
    import asyncio

pending: set = set()


async def keep(task) -> None:
    pending.add(task)
    task.add_done_callback(pending.discard)


# Error
async def notify(bus, event) -> None:
    create_task(bus.publish(event))
