"""A relay written against anyio that treats its cancellation as the end of the stream.

CS101: the scope it runs in was cancelled, yet it returns normally: the caller carries on
after it inside the cancelled scope, and a `move_on_after` around it never sees its deadline
(`cancelled_caught` stays False).
"""
import anyio

log = []


async def drain(receive, sink):
    """Move items from `receive` into `sink` until the stream ends."""
    try:
        async for item in receive:
            sink.append(item)
    except anyio.get_cancelled_exc_class():
        log.append("drain cancelled")
