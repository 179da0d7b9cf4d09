"""anyio memory object streams: their `aclose()` only calls `close()` (anyio 4.x), so it has no
checkpoint a cancel could cut short. A stream is known from the function or class that binds
it; a stream of unknown kind, or one bound both ways, is still a cleanup to protect. (trio's
memory channels checkpoint in `aclose()`: trio_cleanup.py.)"""

from typing import Optional

import anyio
from anyio.streams.memory import MemoryObjectReceiveStream, MemoryObjectSendStream


# Unpacked from `create_memory_object_stream`: no checkpoint to protect.
# OK
async def pump(source) -> None:
    send, receive = anyio.create_memory_object_stream[bytes](10)
    try:
        async for item in source:
            await send.send(item)
    finally:
        await send.aclose()
        await receive.aclose()


# An annotated parameter, and a closure that sees the outer function's stream.
# OK
async def forward(send: MemoryObjectSendStream[bytes], source) -> None:
    async def drain() -> None:
        try:
            async for item in source:
                await send.send(item)
        finally:
            await send.aclose()

    await drain()


class Relay:
    """Streams kept on `self`, closed by a method of the class that only closes them."""

    _outbox: MemoryObjectSendStream[bytes]

    def __init__(self, inbox: MemoryObjectReceiveStream[bytes]) -> None:
        self._inbox = inbox
        self._outbox, self._tail = anyio.create_memory_object_stream[bytes](0)
        self._pending: dict[int, tuple[MemoryObjectSendStream[bytes], MemoryObjectReceiveStream[bytes]]] = {}

    async def _close_pending(self, key: int) -> None:
        await self._pending[key][0].aclose()
        await self._pending[key][1].aclose()

    async def aclose(self) -> None:
        await self._inbox.aclose()
        await self._outbox.aclose()

    # OK
    async def run(self, key: int, conn) -> None:
        try:
            await conn.serve(self._inbox, self._outbox)
        finally:
            await self._close_pending(key)
            await self.aclose()
            await self._tail.aclose()

    # OK
    async def __aexit__(self, *exc_info) -> None:
        await self.aclose()


# A stream given by the caller, of unknown kind: it may be a socket's.
# Error
async def copy_to(stream, data: bytes) -> None:
    try:
        await stream.send(data)
    finally:
        await stream.aclose()


# Bound to a memory stream in one branch and to something else in the other: unknown.
# Error
async def open_sink(path: Optional[str], connect) -> None:
    if path is None:
        sink, _ = anyio.create_memory_object_stream(1)
    else:
        sink = await connect(path)
    try:
        await sink.send(b"hello")
    finally:
        await sink.aclose()


class Session:
    """`self._sink` is assigned a memory stream and, elsewhere, a connection."""

    def __init__(self) -> None:
        self._sink, self._source = anyio.create_memory_object_stream(1)

    async def reconnect(self, connect) -> None:
        self._sink = await connect()

    # Error
    async def run(self, work) -> None:
        try:
            await work(self._sink)
        finally:
            await self._sink.aclose()


# A method that closes a memory stream and then something that checkpoints.
class Pair:
    def __init__(self, conn) -> None:
        self._conn = conn
        self._send, self._receive = anyio.create_memory_object_stream(1)

    async def close_both(self) -> None:
        await self._send.aclose()
        await self._conn.aclose()

    # Error
    async def run(self) -> None:
        try:
            await self._conn.serve(self._receive)
        finally:
            await self.close_both()
