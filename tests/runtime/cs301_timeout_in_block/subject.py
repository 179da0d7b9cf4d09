"""A session that gives its connection a bounded goodbye: the `finally:` closes it under the
block's own `asyncio.timeout()`, and a close that does not finish in time is given up on.

CS301: `await conn.close()` in a `finally:` -- a second cancel during the close cuts it short.
The block's own timeout is the close's bound, not a cancel from outside.
"""
import asyncio

log = []


async def session(conn, work):
    try:
        return await work()
    finally:
        try:
            async with asyncio.timeout(0.2):
                await conn.close()
        except TimeoutError:
            log.append("gave up on close")
