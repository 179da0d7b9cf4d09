"""A module fixed before: the helper and a unit are there. A cleanup await added to that unit
later is wrapped with the unit's own name, and a new cleanup block elsewhere reuses the helper
(no second copy)."""

import asyncio
import logging
import sys


class _ProtectedCleanup:
    """Stands for the helper an earlier run inserted (its shape is recognised: `__call__`,
    `context`, `_hold`, `__exit__`)."""

    def __init__(self, *bounds):
        self._bounds = bounds

    def __enter__(self):
        return self

    def __exit__(self, kind, error, traceback):
        return None

    async def __call__(self, awaitable):
        return await awaitable

    async def _hold(self, waiting, awaitable):
        return await waiting

    def context(self, manager):
        return manager


# Already a unit; `flush()` was added to it by hand.
# Error
async def pump(source, writer) -> None:
    try:
        await source.run()
    finally:
        with _ProtectedCleanup(5) as cleanup:
            await cleanup(writer.close())
            await writer.flush()


# A unit with nothing left to protect.
# OK
async def pump_done(source, writer) -> None:
    try:
        await source.run()
    finally:
        with _ProtectedCleanup(5) as cleanup:
            await cleanup(writer.close())
            async with cleanup.context(writer.lock):
                logging.info("closed %s", sys.argv[0])


# A new cleanup block: the existing helper is reused.
# Error
async def relay(upstream) -> None:
    try:
        await upstream.send(b"hello")
    finally:
        await upstream.aclose()
