"""Today's harmful rewrite (cancelsafe before self-cancels were recognised): `return None` became `raise`."""
import asyncio

log: list = []


async def call_with_deadline(call, seconds: float):
    task = asyncio.current_task()
    timer = asyncio.get_running_loop().call_later(seconds, task.cancel)
    try:
        return await call()
    except asyncio.CancelledError:
        log.append("deadline passed")
        raise
    finally:
        timer.cancel()
