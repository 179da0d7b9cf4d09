"""A client whose stop() cancels its reader task, waits for it to end, and closes the session in
the handler for the reader's CancelledError (another task's cancel, not stop()'s own).

CS301: `await self.session.close()` in a handler that catches the cancellation -- a cancel of
stop() itself during the close cuts it short.
"""
import asyncio


class Client:
    def __init__(self, session):
        self.session = session
        self.reader = asyncio.create_task(self.read())

    async def read(self):
        await asyncio.sleep(3600)

    async def stop(self):
        self.reader.cancel()
        try:
            await self.reader
        except asyncio.CancelledError:
            await self.session.close()
            if asyncio.current_task().cancelling():
                raise
