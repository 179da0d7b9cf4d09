"""A cleanup block whose named cleanups have other awaits between them (gradio's queue resets
and its analytics `run_sync`), or after them: the unit protects those too, since a cancel at a
bare one would still end the loop and skip the later resets, and the unit's exit raises the
cancel it held back, which would skip an await after it. With no cancel they run as before:
safe."""

import asyncio

from anyio.to_thread import run_sync


class Queue:
    # Error
    async def process(self, events):
        try:
            await asyncio.sleep(10)
        finally:
            for event in events:
                await self.reset_iterators(event)
                await run_sync(self.summary)

    # The awaits are all cleanups: safe.
    # Error
    async def close_all(self, connections):
        try:
            await asyncio.sleep(10)
        finally:
            for connection in connections:
                await connection.close()


    # An await after the last cleanup that needs no protection of its own (its own shield)
    # comes into the unit, which would otherwise raise the held cancel before it: safe.
    # Error
    async def stop(self, conn):
        try:
            await asyncio.sleep(10)
        finally:
            await conn.close()
            await asyncio.shield(self.flush())
