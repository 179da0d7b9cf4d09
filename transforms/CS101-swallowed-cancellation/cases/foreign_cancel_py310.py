# cancelsafe-case: --target-version py310
"""Below 3.11 there is no `Task.cancelling()`: a plain `raise` is all there is."""

import asyncio
import logging

logger = logging.getLogger(__name__)


# Only `asyncio.sleep`: the cancel is this task's; the plain `raise` is safe.
# Error
async def ticker(tick, interval: float) -> None:
    try:
        while True:
            tick()
            await asyncio.sleep(interval)
    except asyncio.CancelledError:
        logger.info("ticker stopped")


# `await client.read()` may pass on someone else's CancelledError, and nothing can tell it
# from this task's: the plain `raise` is offered, unsafe, and says so.
# Error
async def reader(client, sink) -> None:
    try:
        while True:
            sink(await client.read())
    except asyncio.CancelledError:
        logger.info("reader stopped")
