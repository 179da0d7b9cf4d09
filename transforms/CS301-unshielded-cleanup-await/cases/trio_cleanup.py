"""A trio server: the helper spells trio's own scope (`trio.CancelScope`), and a module that
already has the helper from an earlier run reuses it."""

import trio


# Error
async def handle_client(stream) -> None:
    try:
        async for data in stream:
            await stream.send_all(data)
    finally:
        await stream.aclose()


# A handler that catches the cancellation, then re-raises it.
# Error
async def download(client, path) -> bytes:
    try:
        return await client.get(path)
    except trio.Cancelled:
        await client.close()
        raise


# A nursery's exit waits for its children; shielded by `move_on_after(…, shield=True)`.
# OK
async def shutdown(nursery_scope, server) -> None:
    try:
        await server.wait_closed()
    finally:
        with trio.move_on_after(10, shield=True):
            await server.stop()
        nursery_scope.cancel()


# A trio memory channel's `aclose()` closes, then checkpoints: under a cancelled scope that
# checkpoint raises and the flush after it never runs. (anyio's memory streams do not
# checkpoint: anyio_memory_streams.py.)
# Error
async def pump(source, audit) -> None:
    send, receive = trio.open_memory_channel(10)
    try:
        async for item in source:
            await send.send(item)
    finally:
        await send.aclose()
        await audit.flush()
