"""Whose `CancelledError` is it? A plain `raise` is right only where it can only be this task's."""

import asyncio
import logging

logger = logging.getLogger(__name__)


class Job:
    def __init__(self, store, job_id: str) -> None:
        self._store = store
        self.job_id = job_id

    async def result(self):
        # A job aborted elsewhere hands back its stored CancelledError as its outcome.
        outcome = await self._store.wait_for_outcome(self.job_id)
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    # A job queue's abort: the CancelledError here is normally the *aborted job's*, and
    # `return True` is the answer. The count snapshot keeps that answer whenever this task
    # was not cancelled; re-raising instead of `return True` when it was is still unsafe.
    # Error
    async def abort(self) -> bool:
        await self._store.request_abort(self.job_id)
        try:
            await self.result()
        except asyncio.CancelledError:
            return True
        return False


# Only asyncio's own waits: the cancel can only be this task's, so a plain `raise`.
# Error
async def heartbeat(conn, interval: float) -> None:
    try:
        while True:
            conn.ping_nowait()
            await asyncio.sleep(interval)
    except asyncio.CancelledError:
        logger.info("heartbeat stopped")


# `asyncio.wait` never raises a child's cancellation; `asyncio.timeout` takes its own back.
# Error
async def wait_first(tasks, seconds: float) -> None:
    try:
        async with asyncio.timeout(seconds):
            await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    except asyncio.CancelledError:
        return


# An event made on the spot: nobody else can cancel what it waits on.
# Error
async def sleep_forever() -> None:
    try:
        await asyncio.Event().wait()
    except asyncio.CancelledError:
        pass


# A library call may pass on a CancelledError of its own (a connection closed by cancelling
# its pending futures): the snapshot keeps that swallow exactly as it was.
# Error
async def consume(channel, handle) -> None:
    try:
        async for message in channel.iterate():
            await handle(message)
    except asyncio.CancelledError:
        logger.info("consumer stopped")


# A tuple with another error: the type test and the count, both.
# Error
async def fetch_quietly(client, url: str) -> None:
    try:
        await client.get(url)
    except (asyncio.CancelledError, ConnectionError):
        logger.warning("fetch of %s abandoned", url)


class Service:
    def __init__(self) -> None:
        self._stopping = asyncio.Event()
        self._lock = asyncio.Lock()

    # Waits on asyncio's own primitives (an attribute made by `asyncio.Event()`, a lock):
    # nothing else can cancel what they wait on, so a plain `raise`.
    # Error
    async def wait_stopped(self) -> None:
        try:
            async with self._lock:
                await self._stopping.wait()
        except asyncio.CancelledError:
            return


# A parameter annotated as an asyncio queue.
# Error
async def drain(queue: asyncio.Queue[bytes], sink) -> None:
    try:
        while True:
            sink.write(await queue.get())
    except asyncio.CancelledError:
        sink.flush()
