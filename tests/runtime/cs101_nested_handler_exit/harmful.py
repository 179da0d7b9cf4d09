"""Today's harmful rewrite: a bare `raise` in the nested `except OSError` re-raises the OSError."""
import asyncio

log: list = []


async def upload(conn, blob):
    try:
        await conn.send(blob)
        log.append("sent")
    except asyncio.CancelledError:
        try:
            conn.abort()
        except OSError:
            log.append("abort failed")
            raise
        log.append("upload cancelled")
        raise
