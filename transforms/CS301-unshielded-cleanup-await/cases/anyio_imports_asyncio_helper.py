"""anyio code that imports asyncio only for an inspection helper (`iscoroutinefunction`, as
starlette does) is anyio code alone: its cleanup gets anyio's helper, and the fix stays safe."""

from asyncio import iscoroutinefunction

import anyio


class Wrapper:
    def __init__(self, call):
        self.call = call
        self.entered = None

    async def __aenter__(self):
        self.entered = await self.call() if iscoroutinefunction(self.call) else self.call()
        return self.entered

    # Error
    async def __aexit__(self, *exc_info):
        await self.entered.aclose()
