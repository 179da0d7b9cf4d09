"""Handlers that convert the cancel into another error, and tuples mixing other errors."""

import asyncio
import logging

logger = logging.getLogger("upstream")


class UpstreamTimeout(Exception):
    pass


# A hand-rolled timeout turns the cancel into its own error on purpose: finding, and
# the fix (a bare `raise` in place of the conversion) is unsafe.
# Error
async def call_with_deadline(call, seconds: float):
    task = asyncio.current_task()
    handle = asyncio.get_running_loop().call_later(seconds, task.cancel)
    try:
        return await call()
    except asyncio.CancelledError as e:
        raise UpstreamTimeout(f"no answer within {seconds}s") from e
    finally:
        handle.cancel()


# `raise RuntimeError(...) from e`: unsafe.
# Error
async def load_profile(db, user_id: int) -> dict:
    try:
        row = await db.fetchrow("SELECT * FROM profiles WHERE id = $1", user_id)
    except asyncio.CancelledError as e:
        raise RuntimeError(f"profile {user_id} load aborted") from e
    return dict(row)


# `raise Other(...)` without `from`: unsafe.
# Error
async def read_response(reader: asyncio.StreamReader) -> bytes:
    try:
        return await reader.readuntil(b"\r\n\r\n")
    except asyncio.CancelledError:
        raise ConnectionResetError("response read interrupted")


# Tuple with OSError returning a value: bound as `exc`, guard before `return False`; unsafe.
# Error
async def probe(host: str, port: int) -> bool:
    try:
        _, writer = await asyncio.open_connection(host, port)
    except (asyncio.CancelledError, OSError):
        return False
    writer.close()
    return True


# Tuple already bound as `err`: the name is reused; falls off the end, `try` last: safe.
# Error
async def send_metrics(client, batch: list) -> None:
    try:
        await client.post("/metrics", json=batch)
    except (asyncio.CancelledError, ConnectionError) as err:
        logger.warning("metrics dropped: %r", err)


# A tuple without CancelledError.
# OK
async def probe_quietly(host: str, port: int) -> bool:
    try:
        _, writer = await asyncio.open_connection(host, port)
    except (OSError, TimeoutError):
        return False
    writer.close()
    return True


# The conversion happens only for errors other than the cancel.
# OK
async def load_profile_reraising(db, user_id: int) -> dict:
    try:
        row = await db.fetchrow("SELECT * FROM profiles WHERE id = $1", user_id)
    except asyncio.CancelledError:
        raise
    except OSError as e:
        raise RuntimeError(f"profile {user_id} unavailable") from e
    return dict(row)
