"""A comment on the exit line describes the swallow; it must not end up on the `raise`."""

import asyncio


# A plain `raise` replaces the `return`; the comment moves onto its own line.
# Error
async def ticker(tick) -> None:
    try:
        while True:
            tick()
            await asyncio.sleep(1)
    except asyncio.CancelledError:
        return  # cancellations are expected here


# The guarded form keeps the `pass`, and its comment stays with it.
# Error
async def drain(conn) -> None:
    try:
        await conn.drain()
    except asyncio.CancelledError:
        pass  # the peer went away; nothing to flush


# A plain `raise` replaces a commented `pass` too.
# Error
async def wait_a_bit() -> None:
    try:
        await asyncio.sleep(5)
    except asyncio.CancelledError:
        pass  # cancelled early: fine
