"""anyio code that feeds an `asyncio.Queue()` made without a `maxsize`: its `put()` is never
full, so it never waits, and a cancel cannot land there (checked on the pinned libraries,
tests/library_facts/checkpoints.py). A bounded queue's `put()` can wait, and is a cleanup."""

import asyncio

import anyio


# OK
async def lifespan(app):
    inbox: asyncio.Queue[dict] = asyncio.Queue()
    async with anyio.create_task_group() as tg:
        tg.start_soon(app, inbox.get)
        try:
            await inbox.put({"type": "lifespan.startup"})
            await anyio.sleep_forever()
        finally:
            await inbox.put({"type": "lifespan.shutdown"})


# Error
async def bounded(app):
    inbox = asyncio.Queue(maxsize=1)
    async with anyio.create_task_group() as tg:
        tg.start_soon(app, inbox.get)
        try:
            await anyio.sleep_forever()
        finally:
            await inbox.put({"type": "lifespan.shutdown"})
