"""A function whose parameter is named `asyncio`: the fix's `asyncio.current_task()` would read
the parameter, not the module (an earlier cancelsafe wrote it, and the function raised
AttributeError). The finding stays, with no fix and the reason."""

from asyncio import CancelledError, ensure_future, sleep


# Error
async def stop(log, asyncio="param"):
    task = ensure_future(sleep(1))
    task.cancel()
    try:
        await task
    except CancelledError:
        pass
    log.append(asyncio)
