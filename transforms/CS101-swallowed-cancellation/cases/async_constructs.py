"""Async generators, async methods, `async for` / `async with` and `except*`."""

import asyncio
import logging

logger = logging.getLogger("market")


# An async generator; `async for` is the suspension point.
# Error
async def ticks(feed):
    try:
        async for tick in feed:
            yield tick
    except asyncio.CancelledError:
        logger.info("tick stream closed")


class SessionPool:
    def __init__(self, factory) -> None:
        self._factory = factory
        self._lock = asyncio.Lock()
        self._session = None
        self._stale = False

    # An async method; `async with` is the suspension point.
    # Error
    async def refresh(self) -> None:
        try:
            async with self._lock:
                self._session = self._factory()
        except asyncio.CancelledError:
            self._stale = True

    # `break` inside an async method, with code after the loop: unsafe.
    # Error
    async def warm_up(self, hosts: list[str]) -> int:
        ready = 0
        for host in hosts:
            try:
                await self._session.connect(host)
            except asyncio.CancelledError:
                break
            ready += 1
        self._stale = ready < len(hosts)
        return ready

    # OK
    async def close(self) -> None:
        try:
            async with self._lock:
                await self._session.aclose()
        except asyncio.CancelledError:
            self._stale = True
            raise


# `except*` around a TaskGroup. A bare `raise` here would re-raise an ExceptionGroup and
# the task would end with an exception instead of cancelled: the fix binds the group and
# raises `exc.exceptions[0]`.
# Error
async def run_batch(jobs) -> None:
    try:
        async with asyncio.TaskGroup() as tg:
            for job in jobs:
                tg.create_task(job.run())
    except* asyncio.CancelledError:
        logger.info("batch of %d cancelled", len(jobs))


# `except*` around a plain await, handler is just `pass`.
# Error
async def settle_accounts(ledger) -> None:
    try:
        await ledger.settle_all()
    except* asyncio.CancelledError:
        pass


# An async generator with `try/finally` only.
# OK
async def order_book_updates(feed):
    try:
        async for update in feed:
            yield update
    finally:
        feed.unsubscribe()


# `except*` that re-raises the CancelledError itself (not the group).
# OK
async def run_batch_reraising(jobs) -> None:
    try:
        async with asyncio.TaskGroup() as tg:
            for job in jobs:
                tg.create_task(job.run())
    except* asyncio.CancelledError as eg:
        logger.info("batch of %d cancelled", len(jobs))
        raise eg.exceptions[0]


# `except*` for errors other than cancellation.
# OK
async def run_batch_collecting(jobs, failures: list) -> None:
    try:
        async with asyncio.TaskGroup() as tg:
            for job in jobs:
                tg.create_task(job.run())
    except* (OSError, ValueError) as group:
        failures.extend(group.exceptions)
