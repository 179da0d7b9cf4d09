"""A `try` that raises `CancelledError` itself (a stop signal of the code's own, as gradio's
heartbeat does): the handler catches that one too, and no cancel of the task sent it. The fix
re-raises only when the task's cancel count grew (py311+); below 3.11 it is unsafe."""

import asyncio


# Error
async def heartbeat(stopped, send):
    while True:
        try:
            await asyncio.wait_for(stopped.wait(), timeout=15)
            raise asyncio.CancelledError()
        except asyncio.TimeoutError:
            await send(b":ping\n\n")
        except asyncio.CancelledError:
            await send(b"event: close\n\n")
            return
