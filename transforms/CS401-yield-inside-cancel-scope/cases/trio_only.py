"""A module that imports trio and not asyncio: its cancel scopes have the same hazard."""

import trio


# Error
async def channel_items(channel, fill):
    async with trio.open_nursery() as nursery:
        nursery.start_soon(fill, channel)
        async for item in channel:
            yield item


# Error
async def deadline_items(channel):
    with trio.move_on_after(10):
        async for item in channel:
            yield item
