"""Cleanup awaited in handlers that catch cancellation, before the re-raise: a second cancel
during the rollback would skip it. Handlers that cannot see a cancel are left alone."""

import asyncio
import logging

logger = logging.getLogger("ledger")


# `except asyncio.CancelledError:` rollback then `raise`.
# Error
async def transfer(db, src: str, dst: str, amount: int) -> None:
    tx = await db.begin()
    try:
        await tx.execute("UPDATE accounts SET balance = balance - $1 WHERE id = $2", amount, src)
        await tx.execute("UPDATE accounts SET balance = balance + $1 WHERE id = $2", amount, dst)
        await tx.commit()
    except asyncio.CancelledError:
        await tx.rollback()
        raise


# Bare `except:` catches cancellation too.
# Error
async def import_batch(session, rows: list[dict]) -> int:
    try:
        for row in rows:
            await session.insert("events", row)
        await session.commit()
    except:
        await session.rollback()
        raise
    return len(rows)


# `except BaseException as exc:`, with logging before the cleanup.
# Error
async def publish(channel, exchange, message) -> None:
    try:
        await exchange.publish(message, routing_key="jobs")
    except BaseException as exc:
        logger.warning("publish failed: %r", exc)
        await channel.close()
        raise


# A tuple naming CancelledError and ConnectionResetError.
# Error
async def handle_client(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, registry: set) -> None:
    registry.add(writer)
    try:
        while line := await reader.readline():
            writer.write(line.upper())
            await writer.drain()
    except (asyncio.CancelledError, ConnectionResetError):
        registry.discard(writer)
        writer.close()
        await writer.wait_closed()
        raise


# The dotted spelling `asyncio.exceptions.CancelledError`, after an `except ValueError`.
# Error
async def consume(queue: asyncio.Queue, store) -> None:
    item = await queue.get()
    try:
        await store.put(item)
    except ValueError:
        logger.error("rejected %r", item)
    except asyncio.exceptions.CancelledError:
        await store.rollback(item)
        raise
    finally:
        queue.task_done()


# Putting the item back is work, not a known cleanup call: not flagged (CS301 flags only
# calls whose name says they release something; see the rule page).
# OK
async def consume_requeue(queue: asyncio.Queue, store) -> None:
    item = await queue.get()
    try:
        await store.put(item)
    except asyncio.CancelledError:
        await queue.put(item)
        raise


# `except Exception` does not catch CancelledError (a BaseException since 3.8).
# OK
async def transfer_logged(db, src: str, dst: str, amount: int) -> None:
    tx = await db.begin()
    try:
        await tx.execute("UPDATE accounts SET balance = balance - $1 WHERE id = $2", amount, src)
        await tx.commit()
    except Exception:
        await tx.rollback()
        raise


# `except OSError`: no cancel reaches this handler.
# OK
async def send_or_reconnect(conn, payload: bytes) -> None:
    try:
        await conn.send(payload)
    except OSError:
        logger.warning("send failed, reconnecting")
        await conn.reconnect()
        await conn.send(payload)


# Awaits in the `try` body and after the `try` are the work, not a cleanup.
# OK
async def refresh(cache, fetch) -> None:
    try:
        cache.update(await fetch())
    except asyncio.CancelledError:
        cache.invalidate()
        raise
    await cache.persist()


# `except BaseException` after the cancellation's own handler: the cancel stops at the first,
# and asyncio's task groups leave cancelled children out of their groups, so the second never
# runs cancelled.
# OK
async def run_job(conn, job) -> None:
    try:
        await job.run(conn)
    except asyncio.CancelledError:
        logger.info("job %s cancelled", job.id)
        raise
    except BaseException:
        await conn.close()
        raise
