"""A module that uses asyncio and anyio: its functions may be cancelled either way (a native
`task.cancel()`, or an anyio cancel scope), whatever their own code names, and each helper holds
back only one of the two, so every fix is unsafe and says so; the helper follows the library the
function names, else the module's."""

import asyncio

import anyio


class Transport:
    def __init__(self, conn):
        self.conn = conn
        self.task = None

    # Names neither library: unsafe, with the reason.
    # Error
    async def session(self, work):
        try:
            return await work(self.conn)
        finally:
            await self.conn.close()

    # Names anyio: the anyio helper, unsafe.
    # Error
    async def pump(self, items):
        try:
            async with anyio.create_task_group() as tg:
                for item in items:
                    tg.start_soon(self.conn.send, item)
        finally:
            await self.conn.close()

    # Names asyncio: the asyncio helper, unsafe (its caller may run it under an anyio scope).
    # Error
    async def run(self, work):
        self.task = asyncio.current_task()
        try:
            await work(self.conn)
        finally:
            await self.conn.close()
