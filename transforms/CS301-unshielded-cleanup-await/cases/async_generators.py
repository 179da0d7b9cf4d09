"""Async generators. A `finally:` after a `yield` also runs each time the consumer resumes the
generator: work there (acknowledging the item just handed out) is not cleanup, and only calls
whose name says they release something are flagged, as everywhere. The `finally:` of an
`@asynccontextmanager` is the context manager's exit: its close is cleanup."""

import asyncio
import contextlib


class Stream:
    def __init__(self, source) -> None:
        self._source = source

    # Each item is acknowledged once the consumer is done with it.
    # OK
    async def __aiter__(self):
        while True:
            event = await self._source.get()
            try:
                yield event.value
            finally:
                await self.ack(event)

    async def ack(self, event) -> None:
        await self._source.ack(event)


# The context manager's exit closes the connection.
# Error
@contextlib.asynccontextmanager
async def connect(pool):
    conn = await pool.acquire()
    try:
        yield conn
    finally:
        await pool.release(conn)
