"""Yields that CS401 leaves alone."""

import asyncio
import contextlib
from contextlib import asynccontextmanager

import pytest


# A context manager: the consumer's `async with` body is the block the timeout is meant for,
# and its exceptions come back in at the `yield`.
# OK
@asynccontextmanager
async def bounded(seconds):
    async with asyncio.timeout(seconds):
        yield


# OK
@contextlib.asynccontextmanager
async def task_group():
    async with asyncio.TaskGroup() as tg:
        yield tg


# A pytest fixture is driven the same way.
# OK
@pytest.fixture
async def server():
    async with asyncio.TaskGroup() as tg:
        tg.create_task(asyncio.sleep(0))
        yield tg


# Turned into a context manager later in the module (Starlette's `lifespan=`).
# OK
async def _lifespan(app):
    async with asyncio.timeout(30):
        await app.start()
        yield


lifespan = asynccontextmanager(_lifespan)


# Already restructured: the scope closes before the `yield`.
# OK
async def messages(ws):
    while True:
        async with asyncio.timeout(10):
            message = await ws.recv()
        yield message


# A `yield` in a nested function, not this generator's.
# OK
async def with_callback(source, register):
    async with asyncio.timeout(5):
        def on_item(item):
            yield item

        register(on_item)
        await source.wait()


# Other context managers are not cancel scopes.
# OK
async def locked(lock, source):
    async with lock:
        yield await source.get()


# A coroutine, not a generator: nothing is yielded.
# OK
async def fetch(client):
    async with asyncio.timeout(5):
        return await client.get()
