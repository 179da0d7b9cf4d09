"""Cleanup code that gets a finding but no fix, each with its reason."""

import asyncio


# `async for` in a cancellation handler: the iteration cannot be one unit.
# Error
async def consume(sub, handler) -> None:
    try:
        async for msg in sub.messages():
            await handler(msg)
            await msg.ack()
    except asyncio.CancelledError:
        async for msg in sub.unacked():
            await msg.nak()
        raise


# A cleanup block that yields (an async generator): a unit cannot span the `yield`.
# Error
async def rows(conn):
    try:
        yield await conn.fetchrow("SELECT 1")
    finally:
        await conn.close()
        yield None
        await conn.release()
