"""Money transfer that rolls its transaction back when cancelled.

CS301: `except asyncio.CancelledError: await tx.rollback(); raise` -- a
second cancel during the rollback cuts it short and leaves the transaction
open; a rollback that hangs keeps the cancelled task from ever ending.
"""
import asyncio


async def transfer(db, src, dst, amount):
    tx = await db.begin()
    try:
        await tx.execute("debit", src, amount)
        await tx.execute("credit", dst, amount)
        await tx.commit()
    except asyncio.CancelledError:
        try:
            async with asyncio.timeout(0.5):
                await asyncio.shield(tx.rollback())
        except TimeoutError:
            pass
        raise
    return amount
