"""Handlers that look like leaks but re-raise the cancellation on every path."""

import asyncio
import logging
from typing import NoReturn

logger = logging.getLogger("rpc")


def _reraise(exc: BaseException) -> NoReturn:
    raise exc


# `raise` on every path, after a conditional rollback.
# OK
async def apply_migration(conn, migration) -> None:
    try:
        await conn.execute(migration.sql)
    except asyncio.CancelledError:
        if migration.partial:
            conn.rollback()
        raise


# `raise e` re-raises the same object.
# OK
async def call_remote(client, method: str, params: dict):
    try:
        return await client.call(method, params)
    except asyncio.CancelledError as e:
        logger.debug("%s cancelled", method)
        raise e


# Kept in a variable and raised after the cleanup that follows the `try`.
# OK
async def run_with_release(job, pool) -> None:
    err = None
    try:
        await job.run()
    except asyncio.CancelledError as e:
        err = e
    pool.release(job)
    if err is not None:
        raise err


# Collected while stopping every listener, raised once they are all stopped.
# OK
async def stop_listeners(listeners) -> None:
    pending: list[BaseException] = []
    for listener in listeners:
        try:
            await listener.stop()
        except asyncio.CancelledError as exc:
            pending.append(exc)
            listener.abort()
    if pending:
        raise pending[0]


# A same-module helper that always raises, called on every path.
# OK
async def handle_request(handler, request, metrics):
    try:
        return await handler(request)
    except asyncio.CancelledError as e:
        metrics.cancelled += 1
        _reraise(e)


# An earlier sibling re-raises the cancel, so the later handlers never see it.
# OK
async def call_backend(backend, request):
    try:
        return await backend.call(request)
    except asyncio.CancelledError:
        raise
    except (asyncio.CancelledError, ConnectionError):
        logger.warning("backend unreachable")
        return None


# Already guarded with `cancelling()`: only a foreign CancelledError is swallowed.
# OK
async def read_frame(stream: asyncio.StreamReader, size: int) -> bytes:
    try:
        return await stream.readexactly(size)
    except asyncio.CancelledError:
        if asyncio.current_task().cancelling():
            raise
        return b""


# Already in the count-snapshot form.
# OK
async def request_reply(client, payload: bytes) -> bytes | None:
    cancels_before = asyncio.current_task().cancelling()
    try:
        return await client.request(payload)
    except asyncio.CancelledError:
        if asyncio.current_task().cancelling() > cancels_before:
            raise
        return None


# The aiohttp / Home Assistant hand-written guard.
# OK
async def fetch_state(api) -> dict | None:
    try:
        return await api.get_state()
    except asyncio.CancelledError:
        if (task := asyncio.current_task()) and task.cancelling():
            raise
        return None


# The cancellation is kept (inside an `if`) and raised after the children are waited for.
# OK
async def wait_children(children, first_error=None) -> None:
    while children:
        try:
            await children[0].wait_done()
        except asyncio.CancelledError as exc:
            if first_error is None:
                first_error = exc
        children.pop(0)
    if first_error is not None:
        raise first_error
