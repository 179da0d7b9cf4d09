"""Connections, writers and uploads closed in `finally`: the cleanup awaits of each block run
as one protected unit (`with _ProtectedCleanup(5) as cleanup:` / `await cleanup(...)`), in the
same task. The fixes are safe, except in test functions."""

import asyncio
import logging
import unittest

logger = logging.getLogger("relay")


# The stream writer's `wait_closed()` after the exchange; the sync `close()` stays as is.
# Error
async def send_report(host: str, port: int, report: bytes) -> bytes:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        writer.write(report)
        await writer.drain()
        return await reader.readline()
    finally:
        writer.close()
        await writer.wait_closed()


# A pooled connection given back in `finally`, after a `return await` in the `try` body.
# Error
async def fetch_user(pool, user_id: int) -> dict:
    conn = await pool.acquire()
    try:
        return await conn.fetchrow("SELECT * FROM users WHERE id = $1", user_id)
    finally:
        await pool.release(conn)


class Uploader:
    def __init__(self, client) -> None:
        self._client = client

    # One await in each branch of an `if` in the `finally`: two fixes.
    # Error
    async def upload(self, path: str, chunks) -> int:
        upload = await self._client.start_upload(path)
        sent = 0
        try:
            async for chunk in chunks:
                await upload.write(chunk)
                sent += len(chunk)
        finally:
            if sent:
                await upload.finish()
            else:
                logger.warning("nothing sent for %s", path)
                await upload.abort()
        return sent


# A test function: flagged like any other (the fix is unsafe anyway).
# Error
async def test_echo_round_trip(server_factory) -> None:
    server = await server_factory()
    try:
        assert await server.echo(b"hi") == b"hi"
    finally:
        await server.stop()


class ServerTests(unittest.IsolatedAsyncioTestCase):
    # A test method.
    # Error
    async def test_shutdown_drains(self) -> None:
        server = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
        try:
            self.assertTrue(server.is_serving())
        finally:
            server.close()
            await server.wait_closed()
