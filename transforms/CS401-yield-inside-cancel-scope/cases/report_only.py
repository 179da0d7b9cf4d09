"""Yields inside cancel scopes that no rewrite can move out unchanged: reported with the reason."""

import asyncio

import anyio
import async_timeout


# A task group: its tasks run while the consumer holds the item.
# Error
async def fan_in(sources):
    queue = asyncio.Queue()
    async with asyncio.TaskGroup() as tg:
        for source in sources:
            tg.create_task(source.pump(queue))
        while True:
            yield await queue.get()


# Code after the `yield` still runs under the timeout.
# Error
async def acknowledged(consumer):
    while True:
        async with asyncio.timeout(30):
            message = await consumer.next()
            yield message
            await message.ack()


# The whole iteration is bounded, not each item.
# Error
async def first_minute(stream):
    async with asyncio.timeout(60):
        async for item in stream:
            yield item


# Several context managers in one `async with`: the lock would be released early.
# Error
async def locked_items(lock, source):
    while True:
        async with asyncio.timeout(5), lock:
            item = await source.get()
            yield item


# A timeout nested in a task group.
# Error
async def supervised(source, watchdog):
    async with asyncio.TaskGroup() as tg:
        tg.create_task(watchdog())
        async with asyncio.timeout(1):
            item = await source.get()
            yield item


# anyio's scopes, on the asyncio backend or any other.
# Error
async def anyio_items(receive):
    with anyio.move_on_after(5):
        async for item in receive:
            yield item


# Error
async def anyio_group(receive, pump):
    async with anyio.create_task_group() as tg:
        tg.start_soon(pump)
        async for item in receive:
            yield item


# async_timeout, asyncio's timeout before 3.11.
# Error
async def legacy(source):
    while True:
        async with async_timeout.timeout(5):
            item = await source.get()
            yield item
