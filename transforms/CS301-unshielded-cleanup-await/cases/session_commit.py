"""The cleanup's receiver is the object of an enclosing `async with`. The protected commit
runs in the same task, so a second cancel is held back until it is done, and only then
unwinds through `session.__aexit__`: nothing races, and the fix is safe."""

import asyncio
import logging

logger = logging.getLogger("visits")


# `async with session:` around a `finally: await session.commit()`.
# Error
async def record_visit(session, visit) -> None:
    async with session:
        try:
            session.add(visit)
            await session.flush()
        finally:
            await session.commit()


# The same with the `async with ... as conn` target as the receiver.
# Error
async def record_page_view(engine, page: str) -> None:
    async with engine.connect() as conn:
        try:
            await conn.execute("INSERT INTO views (page) VALUES ($1)", page)
        finally:
            await conn.commit()


# The receiver is not the `async with` object (a lock): the same fix.
# Error
async def bump_counter(lock: asyncio.Lock, counters, key: str) -> None:
    async with lock:
        try:
            counters.incr(key)
        finally:
            await counters.flush()
