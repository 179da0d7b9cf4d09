"""Under trio (and anyio) every await in a cleanup block can checkpoint, and once the scope is
cancelled the first checkpoint raises and skips the rest, whatever the call is named. An await
whose name says nothing of cleanup is reported too; its fix is unsafe, since only its author
knows whether a cancelled task should wait for it. A block that also holds a named cleanup
keeps the safe fix."""

import logging

import trio

logger = logging.getLogger("feed")


# The end-of-stream sentinel never reaches the consumer.
# Error
async def produce(items, send) -> None:
    try:
        async for item in items:
            await send(item)
    finally:
        await send(None)


# Waiting for the state a disconnect just asked for, in a cancellation handler.
# Error
async def session(client) -> None:
    try:
        await client.serve()
    except trio.Cancelled:
        client.disconnect()
        await client.wait_for_state("disconnected")
        raise


# With a named cleanup in the same block: one unit, a safe fix.
# Error
async def relay(stream, peer) -> None:
    try:
        await stream.pump(peer)
    finally:
        await peer.send_all(b"BYE\r\n")
        await stream.aclose()


class Feed:
    def __init__(self, conn) -> None:
        self._conn = conn

    # In `__aexit__`, which runs in the scope the body was cancelled in.
    # Error
    async def __aexit__(self, *exc_info) -> None:
        await self._conn.send_all(b"END\r\n")


# A delay, an explicit checkpoint, a log line, an exception handed into a generator, a call
# that says it shields itself: none is a cleanup of the block.
# OK
async def tick(agen, log, write) -> None:
    try:
        await agen.asend(None)
    except BaseException as exc:
        await agen.athrow(exc)
        raise
    finally:
        await trio.sleep(0)
        await trio.lowlevel.checkpoint()
        await log.exception("tick failed")
        await write(b"last", shield=True)


# Already under a shielded scope.
# OK
async def flush_on_exit(stream, buffer) -> None:
    try:
        await stream.pump(buffer)
    finally:
        with trio.CancelScope(shield=True):
            await stream.send_all(buffer.rest())


# A handler that does not catch the cancellation: its await runs only for that error.
# OK
async def report(stream) -> None:
    try:
        await stream.pump()
    except OSError as error:
        await stream.send_all(str(error).encode())
