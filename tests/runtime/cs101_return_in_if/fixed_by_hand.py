"""Connection handler whose cancel handler has several `return`s nested in `if`s.

CS101: every exit is a bare `return` (safe: each becomes `raise`).
"""
import asyncio

log: list[str] = []


async def handle(conn) -> None:
    try:
        request = await conn.recv()
    except asyncio.CancelledError:
        if conn.in_transaction:
            conn.rollback()
            log.append("rolled back")
            if conn.notify_peer:
                conn.send(b"ABORTED")
                raise
            raise
        log.append("cancelled while idle")
        raise
    conn.send(b"OK " + request)
    log.append("handled")
