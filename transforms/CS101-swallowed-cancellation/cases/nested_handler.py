"""Exits inside an `except` nested in the cancel handler: a bare `raise` there would raise the
nested exception, so the cancellation is bound and raised by name."""

import asyncio
import logging

logger = logging.getLogger(__name__)


# Error
async def upload(conn, blob) -> None:
    try:
        await conn.send(blob)
    except asyncio.CancelledError:
        try:
            await conn.abort()
        except OSError:
            logger.warning("abort failed")
            return
        logger.info("upload cancelled")


# The handler already has a name: it is reused.
# Error
async def sync_state(store, state) -> None:
    try:
        await store.write(state)
    except asyncio.CancelledError as cancelled:
        try:
            store.rollback()
        except Exception:
            pass
        logger.info("sync cancelled: %r", cancelled)
