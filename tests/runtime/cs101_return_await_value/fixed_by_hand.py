"""Request/response session that aborts the exchange when cancelled.

CS101: the exit is `return await self._abort(...)`: a value with side
effects, which the fix keeps as a statement before the re-raise.
"""
import asyncio

log: list[str] = []


class Session:
    def __init__(self, transport):
        self.transport = transport

    async def _abort(self, reason: str) -> str:
        self.transport.write(f"ABORT {reason}\n".encode())
        await self.transport.drain()
        self.transport.close()
        log.append(f"aborted: {reason}")
        return reason

    async def request(self, payload: bytes):
        try:
            reply = await self.transport.roundtrip(payload)
        except asyncio.CancelledError:
            log.append("request cancelled")
            await self._abort("cancelled")
            raise
        log.append("replied")
        return reply
