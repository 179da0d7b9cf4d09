"""A producer written against anyio that tells its consumer the stream has ended by sending
`None` in `finally`.

CS301 (any checkpoint in anyio cleanup code, whatever its name): when the producer's scope is
cancelled, the `send(None)` raises the cancellation at its checkpoint and the sentinel never
goes out, so the consumer waits for ever.
"""
import anyio


async def produce(items, send):
    """Send every item of `items` with `send`, then `None` to say there are no more."""
    try:
        async for item in items:
            await send(item)
    finally:
        await send(None)
