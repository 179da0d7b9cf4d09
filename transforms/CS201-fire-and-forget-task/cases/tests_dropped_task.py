"""Dropped tasks in test functions are reported, but the fix is unsafe there: a test may drop a
task on purpose (to check that the code under test copes with it). Helpers and fixtures that
are not named `test*` get the safe fix."""

import asyncio
import unittest

import pytest

from .server import EchoServer


# A fixture, not a test: safe fix.
# Error
@pytest.fixture
async def server():
    srv = EchoServer()
    asyncio.create_task(srv.serve_forever())
    yield srv
    srv.close()


# A pytest-asyncio test: unsafe fix.
# Error
async def test_echo_survives_client_abort(server):
    asyncio.create_task(server.echo(b"ping"))
    await asyncio.sleep(0.1)
    assert server.clients == 0


class EchoTests(unittest.IsolatedAsyncioTestCase):
    # A test method with `get_running_loop().create_task` and an unused name: unsafe fix.
    # Error
    async def test_restart_while_serving(self):
        srv = EchoServer()
        serving = asyncio.get_running_loop().create_task(srv.serve_forever())
        await srv.restart()
        self.assertTrue(srv.is_serving())

    # The task is awaited: no finding.
    # OK
    async def test_echo(self):
        srv = EchoServer()
        reply = await asyncio.create_task(srv.echo(b"hi"))
        self.assertEqual(reply, b"hi")
