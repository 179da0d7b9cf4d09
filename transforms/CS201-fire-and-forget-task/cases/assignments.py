"""A task assigned to a local name that is never read is as lost as a dropped one. The fix keeps
the target (`t = _track_task(...)`). A name that is read anywhere in the function (nested
functions and lambdas included) is not reported."""

import asyncio
import logging

logger = logging.getLogger("uploader")
_reaper: asyncio.Task | None = None


# Assigned to a name that is never read again.
# Error
async def upload(storage, blob: bytes, key: str) -> str:
    thumbnail = asyncio.create_task(storage.make_thumbnail(key, blob))
    await storage.put(key, blob)
    return key


# `_ = ...`, the conventional "I don't care" target.
# Error
def prefetch(cache, keys: list[str]) -> None:
    for key in keys:
        _ = asyncio.ensure_future(cache.warm(key))


# An annotated assignment on a loop receiver, never read.
# Error
async def start_sync(loop: asyncio.AbstractEventLoop, storage) -> None:
    sync_task: asyncio.Task = loop.create_task(storage.sync_forever())
    logger.info("sync started")


# Read afterwards (a done callback): the name keeps the task in view of the code.
# OK
async def upload_logged(storage, blob: bytes, key: str) -> None:
    put = asyncio.create_task(storage.put(key, blob))
    put.add_done_callback(lambda t: logger.info("stored %s", key))


# Returned to the caller.
# OK
def start_upload(storage, blob: bytes, key: str) -> asyncio.Task:
    task = asyncio.create_task(storage.put(key, blob))
    return task


# Read only inside a nested function and a lambda.
# OK
async def upload_with_deadline(loop: asyncio.AbstractEventLoop, storage, blob: bytes, key: str) -> None:
    put = loop.create_task(storage.put(key, blob))

    def give_up() -> None:
        put.cancel()

    loop.call_later(30, give_up)
    loop.call_later(60, lambda: logger.info("upload done: %s", put.done()))


# The name is rebound and read: the first task is in fact lost, but a read of the name
# exists, so nothing is reported (a known miss).
# OK
async def retry_upload(storage, blob: bytes, key: str) -> None:
    attempt = asyncio.create_task(storage.put(key, blob))
    attempt = asyncio.create_task(storage.put(key + ".bak", blob))
    await attempt


# A `global` name: the module holds the task, as with a module-level assignment.
# OK
def start_reaper(storage) -> None:
    global _reaper
    _reaper = asyncio.create_task(storage.reap_forever())
