"""Cleanups whose cancels are their own, or another task's: the unit must tell them from a
cancel of this task. An `asyncio.timeout()` the block enters around the cleanup is the
cleanup's own bound: when it expires, its cancel reaches the cleanup at once (the unit finds
it on the block's stack above the unit), as does one entered inside the cleanup, whatever
library made it (a context manager with an `expired` flag). A timeout entered *before* the
block bounds the whole operation: its cancel is held back like any other. And a handler for
another task's `CancelledError` (stop() waiting for the reader it cancelled) is not a cancel
of this task: the bound starts only once this task is cancelled."""

import asyncio


# The block bounds its own goodbye; with no cancel, the close is given up on after 2 s.
# Error
async def session(conn, work):
    try:
        return await work()
    finally:
        try:
            async with asyncio.timeout(2):
                await conn.close()
        except TimeoutError:
            conn.abort()


# A timeout around the whole operation: expiring during the close, it is held back until
# the close ends (or the unit's bound), then raised as the operation's TimeoutError.
# Error
async def fetch(conn, request):
    async with asyncio.timeout(30):
        try:
            return await conn.send(request)
        finally:
            await conn.release()


# stop() handles its reader's cancel, not its own: no bound unless stop() is cancelled.
# Error
class Client:
    def __init__(self, session):
        self.session = session
        self.reader = asyncio.create_task(self.read())

    async def read(self):
        await self.session.receive()

    async def stop(self):
        self.reader.cancel()
        try:
            await self.reader
        except asyncio.CancelledError:
            await self.session.close()
            if asyncio.current_task().cancelling():
                raise
