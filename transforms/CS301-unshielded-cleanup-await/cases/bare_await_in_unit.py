"""A cleanup block whose named cleanups have other awaits between them (gradio's queue resets
and its analytics `run_sync`): the unit protects the cleanups, and the await between them stays
bare, so a cancel there still ends the loop and skips the later resets. The fix is unsafe and
says so."""

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
