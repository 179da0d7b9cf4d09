"""Code after the `try` that the cancel path used to reach: kept reachable when it can be."""

import asyncio
import logging

logger = logging.getLogger(__name__)


class Worker:
    def __init__(self, source) -> None:
        self._source = source
        self._exited = asyncio.Event()
        self.state = "idle"

    # `stop()` waits for `_exited`: the re-raise must not skip setting it, so the two
    # statements after the `try` run first on the cancel path. Safe.
    # Error
    async def run(self) -> None:
        self.state = "running"
        try:
            while True:
                await self._source.next_batch()
        except asyncio.CancelledError:
            logger.info("worker cancelled")
        self.state = "stopped"
        self._exited.set()

    async def stop(self, task: asyncio.Task) -> None:
        task.cancel()
        await self._exited.wait()

    # A bare `return` after the code changes nothing: still kept.
    # Error
    async def drain(self) -> None:
        try:
            await self._source.drain()
        except asyncio.CancelledError:
            pass
        self._exited.set()
        return

    # A `finally` would run before the copied code instead of after it: unsafe, and the
    # reason names what the re-raise skips.
    # Error
    async def run_with_finally(self) -> None:
        try:
            await self._source.next_batch()
        except asyncio.CancelledError:
            logger.info("cancelled")
        finally:
            self._source.release()
        self._exited.set()

    # `return value` after the `try` is someone's result: unsafe.
    # Error
    async def count(self) -> int:
        seen = 0
        try:
            async for _ in self._source:
                seen += 1
        except asyncio.CancelledError:
            logger.info("count cancelled")
        return seen

    # Code that is not simple statements (an `if`) is named, not copied: unsafe.
    # Error
    async def run_and_report(self, report) -> None:
        try:
            await self._source.next_batch()
        except asyncio.CancelledError:
            logger.info("cancelled")
        if report is not None:
            report(self.state)


# `break` out of the loop, then the loop's tail: kept reachable too.
# Error
async def pump(reader, writer, done: asyncio.Event) -> None:
    while True:
        try:
            chunk = await reader.read(4096)
        except asyncio.CancelledError:
            break
        writer.write(chunk)
    done.set()


# The code after the `try` mentions the handler's name, which is unbound there: not copied.
# Error
async def remember(source, seen: list) -> None:
    cancelled = None
    try:
        await source.next_batch()
    except asyncio.CancelledError as cancelled:
        logger.info("cancelled")
    seen.append(cancelled)
