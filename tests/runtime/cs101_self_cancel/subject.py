"""A request with a deadline that interrupts itself by cancelling its own task.

CS101: `call_later(seconds, task.cancel)` on `asyncio.current_task()`, and `except
CancelledError: return None` turns that self-inflicted cancel into "no answer in time". A
re-raise there (today's harmful "safe" fix) makes every late answer cancel the caller. The
swallow is deliberate: the fix is unsafe and --write leaves it.
"""
import asyncio

log: list = []


async def call_with_deadline(call, seconds: float):
    task = asyncio.current_task()
    timer = asyncio.get_running_loop().call_later(seconds, task.cancel)
    try:
        return await call()
    except asyncio.CancelledError:
        log.append("deadline passed")
        return None
    finally:
        timer.cancel()
