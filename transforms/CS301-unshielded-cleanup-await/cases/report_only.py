"""Cleanup awaits that are not a bare `await` statement: the fix cannot wrap them as one
statement, so they are reported without a fix."""

import asyncio
import logging

logger = logging.getLogger("worker")


# `async with` in the `finally`.
# Error
async def save_progress(lock: asyncio.Lock, job, store) -> None:
    try:
        await job.step()
    finally:
        async with lock:
            store.save(job.id, job.progress)


# `async for` in a cancellation handler.
# Error
async def consume(sub, handler) -> None:
    try:
        async for msg in sub.messages():
            await handler(msg)
            await msg.ack()
    except asyncio.CancelledError:
        async for msg in sub.unacked():
            msg.nak()
        raise


# An assignment from an await in the `finally`.
# Error
async def run_query(conn, sql: str, metrics) -> list:
    try:
        return await conn.fetch(sql)
    finally:
        stats = await conn.fetch_stats()
        metrics.observe(sql, stats)


# An annotated assignment from an await in the `finally`.
# Error
async def drain_outbox(outbox, transport) -> None:
    try:
        while batch := await outbox.next_batch():
            await transport.send(batch)
    finally:
        remaining: int = await outbox.pending_count()
        logger.info("outbox stopped, %d messages pending", remaining)


# An assignment from an await in a cancellation handler.
# Error
async def download(session, url: str, cache) -> bytes:
    resp = await session.get(url)
    try:
        return await resp.read()
    except asyncio.CancelledError:
        partial = await resp.read_available()
        cache.store_partial(url, partial)
        raise


# `return await` in the `finally`.
# Error
async def close_and_count(conn) -> int:
    try:
        await conn.execute("VACUUM")
    finally:
        return await conn.close()
