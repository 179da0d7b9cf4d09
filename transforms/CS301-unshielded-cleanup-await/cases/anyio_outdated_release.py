"""A module written for anyio before 4 (`anyio.create_event`, removed in anyio 4): the shielded
helper is written for anyio 4 (anyio 2 has no `lowlevel.checkpoint_if_cancelled()`, and its
`current_time()` is a coroutine), so the leak is reported with no fix."""

import anyio


class Pool:
    def __init__(self):
        self.closed = anyio.create_event()
        self.conns = []

    # Error
    async def release(self, conn):
        try:
            await conn.reset()
        finally:
            await conn.close()
