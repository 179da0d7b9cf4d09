"""A client whose `close()` waits for the server's goodbye and raises TimeoutError itself when
the server does not answer in time, which the caller handles.

CS301: `finally: await client.close()` -- a second cancel cuts the close short. A bound that
catches every TimeoutError (`except TimeoutError: pass` around `asyncio.timeout`) would also
swallow the close's own, on the normal path.
"""
import asyncio


async def session(client, work):
    await client.connect()
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
