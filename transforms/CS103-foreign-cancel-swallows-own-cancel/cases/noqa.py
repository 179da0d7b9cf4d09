"""`# noqa` on the `except` line of a stopper, where CS103 reports: bare, naming CS103, or in a
list. A suppressed stopper gets no count snapshot. A noqa naming another rule, a prefix of the
code, no code at all, or sitting on the `await` of the task instead leaves the finding in place."""

import asyncio
import contextlib
import logging

logger = logging.getLogger("service")


class Heartbeat:
    def __init__(self, conn, interval: float = 10.0) -> None:
        self._conn = conn
        self._interval = interval
        self._task: asyncio.Task | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._beat())

    async def _beat(self) -> None:
        while True:
            await self._conn.ping()
            await asyncio.sleep(self._interval)

    # Bare `# noqa` on the `except` line.
    # OK
    async def stop(self) -> None:
        self._task.cancel()
        try:
            await self._task
        except asyncio.CancelledError:  # noqa
            pass
        self._task = None

    # `# noqa: CS103`.
    # OK
    async def restart(self) -> None:
        self._task.cancel()
        try:
            await self._task
        except asyncio.CancelledError:  # noqa: CS103
            logger.debug("heartbeat restarting")
        self.start()

    # CS103 in a list.
    # OK
    async def pause(self) -> bool:
        self._task.cancel()
        try:
            await self._task
        except asyncio.CancelledError:  # noqa: CS999, CS103
            return False
        return True

    # `contextlib.suppress(CancelledError)` around the await: the finding is on the `with` line.
    # OK
    async def stop_quietly(self) -> None:
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):  # noqa: CS103
            await self._task


# A noqa for another rule (CS101, the fresh-call rule) does not cover CS103.
# Error
async def run_with_watchdog(work, watchdog) -> None:
    guard = asyncio.create_task(watchdog())
    try:
        await work()
    finally:
        guard.cancel()
        try:
            await guard
        except asyncio.CancelledError:  # noqa: CS101
            pass


# A prefix of the code is not the code: `CS1` does not cover CS103.
# Error
async def stop_reader(reader_task: asyncio.Task) -> None:
    reader_task.cancel()
    try:
        await reader_task
    except asyncio.CancelledError:  # noqa: CS1
        logger.info("reader stopped")


# `# noqa:` with no code is not a directive.
# Error
async def wait_closed(closed: asyncio.Future) -> bool:
    try:
        await closed
    except asyncio.CancelledError:  # noqa:
        return False
    return True


# The noqa sits on the `await` of the task, not on the `except` line the finding is on.
# Error
async def stop_uploader(uploader: asyncio.Task) -> None:
    uploader.cancel()
    try:
        await uploader  # noqa: CS103
    except BaseException:
        logger.debug("uploader stopped")
