"""A fresh `CancelledError` still ends the task cancelled: a re-raise, not a conversion."""

import asyncio
from asyncio import CancelledError

import logging

logger = logging.getLogger(__name__)


# OK
async def stop_with_message(worker) -> None:
    try:
        await worker.run()
    except asyncio.CancelledError:
        logger.info("stopping")
        raise asyncio.CancelledError("worker stopped")


# OK
async def stop_plainly(worker) -> None:
    try:
        await worker.run()
    except CancelledError:
        raise CancelledError from None


# A conversion into something else is still one.
# Error
async def stop_converting(worker) -> None:
    try:
        await worker.run()
    except asyncio.CancelledError:
        raise RuntimeError("worker stopped")
