"""`# noqa` on the `except` line, where CS101 reports: bare, naming CS101, or in a list. A
suppressed handler is neither reported nor fixed. A noqa naming another rule, a prefix of the
code, no code at all, or sitting on the leaking `return` instead leaves the finding in place."""

import asyncio
import contextlib
import logging

logger = logging.getLogger("workers")


# Bare `# noqa` on the `except` line.
# OK
async def drain_queue(queue: asyncio.Queue, sink) -> None:
    while True:
        try:
            item = await queue.get()
        except asyncio.CancelledError:  # noqa
            logger.info("drain stopped")
            return
        sink.write(item)
        queue.task_done()


# `# noqa: CS101`.
# OK
async def flush_periodically(buffer, interval: float) -> None:
    try:
        while True:
            await asyncio.sleep(interval)
            buffer.flush()
    except asyncio.CancelledError:  # noqa: CS101
        pass


# CS101 in a list, after a code of some other tool.
# OK
async def connect_with_retry(dial, attempts: int = 3) -> bool:
    for attempt in range(attempts):
        try:
            await dial()
        except asyncio.CancelledError:  # noqa: CS999, CS101
            logger.warning("connect cancelled on attempt %d", attempt)
            return False
        except OSError:
            logger.warning("connect failed on attempt %d", attempt)
        else:
            return True
    return False


# A tuple spread over several lines: the finding ends on the closing parenthesis, so a noqa
# there counts as well as one on the `except` line.
# OK
async def poll_status(client, job_id: str) -> str | None:
    try:
        return await client.status(job_id)
    except (
        asyncio.CancelledError,
        ConnectionError,
    ):  # noqa: CS101
        return None


# `contextlib.suppress(CancelledError)`: the finding is on the `with` line.
# OK
async def prefetch(fetch) -> None:
    with contextlib.suppress(asyncio.CancelledError):  # noqa: CS101
        await fetch()


# A noqa for another rule (CS102) does not cover CS101.
# Error
async def heartbeat(conn, interval: float = 15.0) -> None:
    try:
        while True:
            await conn.ping()
            await asyncio.sleep(interval)
    except asyncio.CancelledError:  # noqa: CS102
        logger.info("heartbeat stopped")


# A prefix of the code is not the code: `CS1` does not cover CS101.
# Error
async def consume_lines(reader: asyncio.StreamReader, on_line) -> None:
    try:
        while line := await reader.readline():
            on_line(line)
    except asyncio.CancelledError:  # noqa: CS1
        on_line(None)


# `# noqa:` with no code is not a directive (a typo never suppresses everything).
# Error
async def watch_config(store, apply) -> None:
    try:
        async for change in store.watch():
            apply(change)
    except asyncio.CancelledError:  # noqa:
        return


# The noqa sits on the leaking `return`, not on the `except` line the finding is on.
# Error
async def tail_log(reader, sink) -> None:
    try:
        while chunk := await reader.read(4096):
            sink.write(chunk)
    except asyncio.CancelledError:
        return  # noqa: CS101
