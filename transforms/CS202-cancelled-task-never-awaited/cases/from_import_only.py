"""`from asyncio import ...` only: `import asyncio` is added once for the fix."""

from asyncio import create_task, sleep


# Error
async def probe(check):
    watchdog = create_task(sleep(5))
    checker = create_task(check())
    await sleep(0)
    checker.cancel()
    watchdog.cancel()
