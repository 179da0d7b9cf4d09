"""Tests often swallow a cancellation on purpose: the fix is offered, but only as unsafe."""

import asyncio
import contextlib
import unittest


class TimeoutTests(unittest.IsolatedAsyncioTestCase):
    # A nested coroutine inside a test method; nothing follows the `try`, yet unsafe.
    # Error
    def test_cancel_is_absorbed(self):
        async def main():
            try:
                await asyncio.sleep(10)
            except asyncio.CancelledError:
                pass

        asyncio.run(asyncio.wait_for(main(), 0.01))


# Error
async def test_worker_stops_quietly():
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        return


# `suppress` rewritten into the count-snapshot form: unsafe inside a test too.
# Error
async def test_fetch_is_interruptible(client):
    with contextlib.suppress(asyncio.CancelledError):
        await client.fetch()


# A library class named like a test class, without tests: not test code.
class TestRunner:
    def __init__(self, case) -> None:
        self.case = case

    # Error
    async def execute(self) -> None:
        try:
            await self.case.run()
        except asyncio.CancelledError:
            pass
