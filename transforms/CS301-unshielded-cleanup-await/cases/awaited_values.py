"""Cleanup awaits whose value is used: assigned, annotated, returned, passed on. The unit's call
returns what the cleanup returns, so these are fixed like any other."""

import asyncio
import logging

logger = logging.getLogger("worker")


# An assignment from a cleanup in the `finally`.
# Error
async def run_query(conn, sql: str, metrics) -> list:
    try:
        return await conn.fetch(sql)
    finally:
        stats = await conn.close()
        metrics.observe(sql, stats)


# An annotated assignment, in a cancellation handler.
# Error
async def drain_outbox(outbox, transport) -> None:
    try:
        while batch := await outbox.next_batch():
            await transport.send(batch)
    except asyncio.CancelledError:
        remaining: int = await outbox.flush()
        logger.info("outbox stopped, %d messages flushed", remaining)
        raise


# `return await` in the `finally`, and an await inside an expression.
# Error
async def close_and_count(conn, log) -> int:
    try:
        await conn.execute("VACUUM")
    finally:
        log.append(await conn.release())
        return await conn.close()
