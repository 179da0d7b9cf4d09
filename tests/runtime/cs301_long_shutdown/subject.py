"""A web app's entry point: serve until told to stop, then shut the runner down gracefully
(finish the requests in flight), as aiohttp's `runner.cleanup()` does.

CS301: a second Ctrl-C-style cancel during the graceful shutdown cuts it short and drops the
requests in flight. A bound of a few seconds is wrong too: a graceful shutdown may take longer
than one close, with nothing cancelled at all.
"""
import asyncio


async def serve(runner, stop):
    await runner.setup()
    try:
        await stop.wait()
    finally:
        await runner.cleanup()
