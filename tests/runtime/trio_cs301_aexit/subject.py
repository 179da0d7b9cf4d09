"""A trio client session whose `__aexit__` says goodbye and closes the stream.

CS301: when the `async with` body is cancelled, `__aexit__` runs in the cancelled scope, so the
goodbye raises `Cancelled` at its first checkpoint and the stream is never closed.
"""
import trio


class Session:
    def __init__(self, stream):
        self.stream = stream

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc_info):
        await self.stream.send_all(b"BYE\r\n")
        await self.stream.aclose()
