"""Workers catching `BaseException` around awaits."""

import asyncio
import logging

logger = logging.getLogger("workers")


# No name: bound as `except BaseException as exc:`; falls off the end in a loop: unsafe.
# Error
async def process_forever(queue: asyncio.Queue, handle) -> None:
    while True:
        try:
            job = await queue.get()
            await handle(job)
        except BaseException:
            logger.exception("job failed")


# Named `e`, returns a value: the name is reused, guard before `return False`; unsafe.
# Error
async def try_acquire(lock: asyncio.Lock, timeout: float) -> bool:
    try:
        await asyncio.wait_for(lock.acquire(), timeout)
    except BaseException as e:
        logger.debug("lock not acquired: %r", e)
        return False
    return True


# A nested `if` return and a fall-through: a guard before the `return` and one appended.
# Error
async def handle_client(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        request = await reader.readuntil(b"\n")
        writer.write(request.upper())
        await writer.drain()
    except BaseException as e:
        if writer.is_closing():
            return
        writer.write(f"ERR {type(e).__name__}\n".encode())
    finally:
        writer.close()


# One-line body.
# Error
async def send_heartbeat(conn) -> None:
    try:
        await conn.send(b"\x00")
    except BaseException: pass


# A tuple containing BaseException.
# Error
async def ship_logs(sink, batch: list[str]) -> None:
    try:
        await sink.send("\n".join(batch))
    except (BaseException, OSError):
        logger.warning("dropped %d log lines", len(batch))
