"""NOT a valid fix: the plain re-raise, as an earlier cancelsafe wrote it for CS101 (safe). The
server's stop, which raises `CancelledError` itself, now ends the stream task cancelled, and the
stream never returns. must fail on (a)."""
import asyncio

log: list = []


async def heartbeat(stopped: asyncio.Event):
    while True:
        try:
            await asyncio.wait_for(stopped.wait(), timeout=0.01)
            raise asyncio.CancelledError()
        except asyncio.TimeoutError:
            log.append("beat")
        except asyncio.CancelledError:
            log.append("closed")
            raise
