"""`async with` in cleanup code: entering and leaving are awaits a cancel can cut short (the
lock never taken, the condition never notified). The fix enters and leaves it through the
unit, `async with cleanup.context(lock):`, in the same task, so `__aexit__` still runs where
`__aenter__` did."""

import asyncio
import logging

logger = logging.getLogger("jobs")


# A lock taken in the `finally` to save progress.
# Error
async def save_progress(lock: asyncio.Lock, job, store) -> None:
    try:
        await job.step()
    finally:
        async with lock:
            store.save(job.id, job.progress)


# A condition notified when a worker leaves, with an `as` target and a second item; the body
# awaits a cleanup call of its own.
# Error
async def leave(condition: asyncio.Condition, pool, worker) -> None:
    try:
        await worker.run()
    finally:
        async with condition as notified, pool.connection() as conn:
            await conn.release(worker.id)
            notified.notify_all()


# In a handler that catches the cancellation, before the re-raise.
# Error
async def publish(session_factory, event) -> None:
    try:
        await event.publish()
    except asyncio.CancelledError:
        async with session_factory() as session:
            session.add(event.tombstone())
        raise


# `async with asyncio.timeout(...)` is a bound, not a cleanup of its own.
# OK
async def bounded(client) -> None:
    try:
        await client.ping()
    finally:
        async with asyncio.timeout(1):
            logger.info("closing")
