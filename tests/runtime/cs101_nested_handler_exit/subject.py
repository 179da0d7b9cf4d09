"""An upload that aborts the transfer when cancelled, and gives up quietly if that fails.

CS101: the `return` that leaks sits inside an `except OSError` nested in the cancel handler.
A bare `raise` there (today's fix) re-raises the OSError, not the cancel: the task ends with
an OSError. The fix binds the cancel and raises it by name.
"""
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
            return
        log.append("upload cancelled")
