"""A cancel written in a `lambda` runs when a callback fires, not where it is written."""

import asyncio


async def watch(feed):
    await feed.updates()


# The lambda cancels the child later, while this task waits on it: the child's CancelledError
# reaches this task although nobody cancelled it, but the canceller is the callback, not this
# function: unsafe fix, naming the callback.
# Error
async def observe(feed, registry):
    child = asyncio.create_task(watch(feed))
    registry.on_close(lambda: child.cancel())
    await child


# The same lambda, and a cancel right before the await: this function is the stopper, safe fix.
# Error
async def observe_then_stop(feed, registry):
    child = asyncio.create_task(watch(feed))
    registry.on_close(lambda: child.cancel())
    child.cancel()
    await child


# The lambda is only made after the await: nothing cancels the child before it.
# OK
async def observe_then_register(feed, registry):
    child = asyncio.create_task(watch(feed))
    await child
    registry.on_close(lambda: child.cancel())
