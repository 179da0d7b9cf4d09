"""A session whose client's `close()` bounds the goodbye with its library's own timeout context
manager, and raises TimeoutError when the server does not answer in time; the caller handles it.

CS301: `finally: await client.close()` -- a second cancel cuts the close short.
"""
import asyncio


async def session(client, work):
    try:
        return await work()
    finally:
        await client.close()


async def run(client, work):
    """Returns the session's result, or "no goodbye" when the close timed out."""
    try:
        return await session(client, work)
    except TimeoutError:
        return "no goodbye"
