"""An anyio service: the module does not import asyncio, so nothing here is reported, not
even the `finally` awaits (anyio spells shielding `CancelScope(shield=True)`)."""

import logging

import anyio

logger = logging.getLogger("jobs")


# OK
async def serve(listener, handler) -> None:
    try:
        await listener.serve(handler)
    finally:
        await listener.aclose()


# OK
async def transfer(tx, amount: int) -> None:
    try:
        await tx.execute("UPDATE accounts SET balance = balance - $1", amount)
    except anyio.get_cancelled_exc_class():
        with anyio.CancelScope(shield=True):
            await tx.rollback()
        raise


# OK
async def relay(stream, sink) -> None:
    try:
        async for chunk in stream:
            await sink.send(chunk)
    except BaseException:
        await sink.aclose()
        raise
