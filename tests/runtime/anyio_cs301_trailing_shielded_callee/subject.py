"""A connection handler written against anyio: after serving, `finally` closes the connection,
then gives the handler's slot back through `release_slot()`, which shields itself (its own
`CancelScope(shield=True)`) and needs no protection of its own.

CS301: under a cancelled scope the close is cut short at its first checkpoint and the release
never runs. The fix's unit must reach to the release: the unit's exit raises the cancellation it
held back, so a unit that ended at the close would skip the release just as the leak did.
"""
import anyio


async def release_slot(limiter):
    with anyio.CancelScope(shield=True):
        await anyio.sleep(0.01)
        limiter.released = True


async def serve(conn, limiter, run):
    try:
        await run()
    finally:
        await conn.aclose()
        await release_slot(limiter)
