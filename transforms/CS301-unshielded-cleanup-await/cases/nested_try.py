"""A `try` nested in the `finally`. An inner `except Exception` (or `except OSError`) does not
catch cancellation, so the awaits under it are still flagged; an inner handler that catches
CancelledError is the cleanup's own cancellation handling and is left alone."""

import asyncio
import logging

logger = logging.getLogger("db")


# The close errors are logged, but a cancel still cuts the close short.
# Error
async def stream_rows(conn, query: str, out: list) -> None:
    cursor = await conn.cursor(query)
    try:
        async for row in cursor:
            out.append(row)
    finally:
        try:
            await cursor.close()
        except Exception:
            logger.exception("closing the cursor failed")


# Awaits in the body, the handler and the `else` of an inner `try` whose handler is
# `except OSError`: three fixes.
# Error
async def close_transport(writer: asyncio.StreamWriter, on_closed) -> None:
    try:
        writer.write(b"BYE\r\n")
    finally:
        try:
            await writer.drain()
        except OSError:
            writer.transport.abort()
            await on_closed(error=True)
        else:
            await on_closed(error=False)


class Condition:
    """A lock-protected condition like asyncio.Condition."""

    def __init__(self, lock: asyncio.Lock) -> None:
        self._lock = lock
        self._waiters: list[asyncio.Future] = []

    # CPython's Condition.wait: the `finally` must re-acquire the lock even if cancelled,
    # retries on CancelledError and re-raises it afterwards.
    # OK
    async def wait(self) -> bool:
        self._lock.release()
        try:
            fut = asyncio.get_running_loop().create_future()
            self._waiters.append(fut)
            try:
                await fut
                return True
            finally:
                self._waiters.remove(fut)
        finally:
            err = None
            while True:
                try:
                    await self._lock.acquire()
                    break
                except asyncio.CancelledError as e:
                    err = e
            if err is not None:
                try:
                    raise err
                finally:
                    err = None


# The inner `try` handles a cancel of the release itself: it drops the lease locally
# (sync) and re-raises.
# OK
async def with_lease(leases, resource: str, work) -> None:
    lease = await leases.take(resource)
    try:
        await work(lease)
    finally:
        try:
            await lease.release()
        except asyncio.CancelledError:
            leases.forget(lease)
            logger.warning("lease on %s dropped: release cancelled", resource)
            raise


# One await is guarded by its inner `try`, the next one is not.
# Error
async def checkpoint(state, store) -> None:
    try:
        await state.advance()
    finally:
        try:
            await store.lock()
        except asyncio.CancelledError:
            store.mark_dirty()
            raise
        await store.save(state)
