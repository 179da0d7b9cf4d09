"""Broad handlers that already let cancellation through, or cannot see it."""

import asyncio
import logging

logger = logging.getLogger("db")


# An earlier sibling re-raises the cancel.
# OK
async def run_query(conn, sql: str):
    try:
        return await conn.fetch(sql)
    except asyncio.CancelledError:
        raise
    except BaseException:
        logger.exception("query failed: %s", sql)
        conn.rollback()
        return None


# Guarded with isinstance() before the handler's own exit.
# OK
async def run_in_transaction(conn, fn):
    try:
        return await fn(conn)
    except BaseException as e:
        conn.rollback()
        if isinstance(e, asyncio.CancelledError):
            raise
        logger.exception("transaction failed")
        return None


# Re-raises on every path.
# OK
async def checkout(pool):
    try:
        return await pool.acquire()
    except BaseException:
        pool.mark_unhealthy()
        raise


# `except Exception` does not catch CancelledError.
# OK
async def ping_database(conn) -> bool:
    try:
        await conn.execute("SELECT 1")
    except Exception:
        return False
    return True


# A broad handler in a sync function.
# OK
def close_quietly(conn) -> None:
    try:
        conn.close()
    except BaseException:
        logger.debug("close failed", exc_info=True)


# No suspension point in the `try`.
# OK
async def last_error(task: asyncio.Task) -> BaseException | None:
    if not task.done():
        return None
    try:
        task.result()
    except BaseException as e:
        return e
    return None


# The handler hands the exception to a closure that reports it and always raises it again
# (an ASGI lifespan handler): every path re-raises.
# OK
async def lifespan(receive, send, start):
    await receive()

    async def fail(exc: BaseException) -> None:
        await send({"type": "lifespan.startup.failed", "message": str(exc)})
        raise exc

    try:
        async with start():
            await send({"type": "lifespan.startup.complete"})
            await receive()
    except BaseException as error:
        await fail(error)
