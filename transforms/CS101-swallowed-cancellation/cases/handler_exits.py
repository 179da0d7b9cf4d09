"""Queue workers and pollers whose cancellation handler leaves without re-raising."""

import asyncio
import logging

logger = logging.getLogger(__name__)


# `return` where the re-raise belongs; `return` leaves the function: safe fix.
# Error
async def drain_queue(queue: asyncio.Queue, sink) -> None:
    while True:
        try:
            item = await queue.get()
        except asyncio.CancelledError:
            logger.info("drain stopped")
            return
        sink.write(item)
        queue.task_done()


# One-line handler body.
# Error
async def heartbeat(conn, interval: float = 15.0) -> None:
    try:
        while True:
            await conn.ping()
            await asyncio.sleep(interval)
    except asyncio.CancelledError: return


# `pass` is the whole handler and the `try` is the last statement: safe, `pass` replaced.
# Error
async def flush_periodically(buffer, interval: float) -> None:
    try:
        while True:
            await asyncio.sleep(interval)
            buffer.flush()
    except asyncio.CancelledError:
        pass


# Falls off the end after logging; nothing follows the `try`: safe.
# Error
async def consume_lines(reader: asyncio.StreamReader, on_line) -> None:
    try:
        while line := await reader.readline():
            on_line(line)
    except asyncio.CancelledError:
        logger.debug("reader cancelled")
        on_line(None)


# `return` nested in an `if`, and the other path falls off the end: both re-raise.
# Error
async def poll_job(client, job_id: str, on_done) -> None:
    try:
        while not await client.is_finished(job_id):
            await asyncio.sleep(1)
    except asyncio.CancelledError:
        if client.closed:
            return
        logger.info("stopped polling %s", job_id)
    else:
        on_done(job_id)


# `return value`: the caller used the value: unsafe fix.
# Error
async def connect_with_retry(dial, attempts: int = 3) -> bool:
    for attempt in range(attempts):
        try:
            await dial()
        except asyncio.CancelledError:
            logger.warning("connect cancelled on attempt %d", attempt)
            return False
        except OSError:
            logger.warning("connect failed on attempt %d", attempt)
        else:
            return True
    return False


# `return await ...`: the call is kept as a statement before the re-raise; unsafe (a value).
# Error
async def serve_session(session) -> str:
    try:
        await session.run()
    except asyncio.CancelledError:
        return await session.close(reason="cancelled")
    return "done"


# Falls through into code after the `try` (cleanup, `return result`): unsafe fix.
# Error
async def download(client, url: str, dest) -> int:
    written = 0
    try:
        async for chunk in client.stream(url):
            dest.write(chunk)
            written += len(chunk)
    except asyncio.CancelledError:
        logger.info("download of %s cancelled after %d bytes", url, written)
    dest.close()
    return written


# A tuple: the exception must be bound, but `exc` is already a name in this module, so
# the fix binds a fresh one.
# Error
async def execute(job, executors) -> None:
    exc = executors.for_job(job)
    try:
        await exc.run(job)
    except (asyncio.CancelledError, TimeoutError):
        job.mark_failed()


# The handler's own code runs, then it re-raises.
# OK
async def drain_queue_reraising(queue: asyncio.Queue, sink) -> None:
    while True:
        try:
            item = await queue.get()
        except asyncio.CancelledError:
            logger.info("drain stopped")
            raise
        sink.write(item)
        queue.task_done()
