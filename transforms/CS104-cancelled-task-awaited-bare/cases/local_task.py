"""Local tasks cancelled and awaited in the same function, through `wait_for` and `gather`."""

import asyncio
import logging

logger = logging.getLogger("probe")


# A local task.
# Error
async def first_response(primary, fallback, delay: float) -> bytes:
    backup = asyncio.create_task(fallback())
    try:
        return await asyncio.wait_for(primary(), delay)
    except TimeoutError:
        return await backup
    finally:
        if not backup.done():
            backup.cancel()
            await backup


# `asyncio.wait_for(t, ...)`: the timeout still propagates as before.
# Error
async def stop_probe(probe: asyncio.Task) -> None:
    probe.cancel()
    await asyncio.wait_for(probe, 1)


# `asyncio.gather(t)` without `return_exceptions=True`.
# Error
async def stop_spinner(spinner: asyncio.Task) -> None:
    spinner.cancel()
    await asyncio.gather(spinner)
    logger.info("spinner stopped")


# Cancel each task in a loop, then gather them all.
# Error
async def shutdown_workers(workers: list[asyncio.Task]) -> None:
    for worker in workers:
        worker.cancel()
    await asyncio.gather(*workers)
    logger.info("%d workers stopped", len(workers))
