"""Message consumers spelling CancelledError in the other ways asyncio allows."""

import asyncio
import concurrent.futures
import logging
from asyncio import CancelledError as CE
from asyncio import exceptions

logger = logging.getLogger("consumer")


# `from asyncio import CancelledError as CE`.
# Error
async def consume_orders(queue: asyncio.Queue, book) -> None:
    try:
        while True:
            book.apply(await queue.get())
    except CE:
        logger.info("order consumer stopped")


# A tuple with `CE`: the guard reuses the alias, `isinstance(exc, CE)`; `return`: safe.
# Error
async def settle(ledger, batch) -> None:
    try:
        await ledger.commit(batch)
    except (CE, TimeoutError):
        ledger.rollback(batch)
        return


# `from asyncio import exceptions` then `exceptions.CancelledError`.
# Error
async def consume_quotes(feed, cache: dict) -> None:
    try:
        async for symbol, price in feed:
            cache[symbol] = price
    except exceptions.CancelledError:
        pass


# The full dotted spelling, `asyncio.exceptions.CancelledError`; `return value`: unsafe.
# Error
async def fetch_snapshot(client) -> dict:
    try:
        return await client.get_json("/snapshot")
    except asyncio.exceptions.CancelledError:
        return {}


# `concurrent.futures.CancelledError` is a different class from asyncio's since 3.8.
# OK
async def run_blocking_report(loop: asyncio.AbstractEventLoop, build) -> str | None:
    try:
        return await loop.run_in_executor(None, build)
    except concurrent.futures.CancelledError:
        return None


# OK
async def consume_orders_reraising(queue: asyncio.Queue, book) -> None:
    try:
        while True:
            book.apply(await queue.get())
    except CE:
        logger.info("order consumer stopped")
        raise
