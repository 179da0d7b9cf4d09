"""A test module by its name (`test_*.py`): every fix is unsafe, whatever the function."""

import asyncio


async def swallowing_child(started: asyncio.Event) -> str:
    started.set()
    # Error
    try:
        await asyncio.sleep(3600)
    except asyncio.CancelledError:
        return "swallowed"
    return "finished"
