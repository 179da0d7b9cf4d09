"""A streaming heartbeat that ends itself by raising `CancelledError` when the server stops, as
gradio's `routes.py` does, and a handler that turns any cancel into "stream closed".

CS101: a cancel from outside is swallowed: the stream task returns normally instead of ending
cancelled. The code's own `raise asyncio.CancelledError()` is not a cancel of the task, and the
stop path must stay a normal return (the plain re-raise, an earlier "safe" fix, ended it
cancelled: harmful_plain_reraise.py).
"""
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
            return
