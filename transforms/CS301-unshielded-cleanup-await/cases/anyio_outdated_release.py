"""A module written for anyio 1 or 2 (`anyio.create_event`, `anyio.open_cancel_scope`, removed
in anyio 3 and 4): the shielded helper needs `anyio.lowlevel.checkpoint_if_cancelled()`, so the
leak is reported with no fix."""

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
