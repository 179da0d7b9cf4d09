"""Handlers of exception groups in asyncio code. asyncio's `TaskGroup` leaves its cancelled
children out of the group it raises, and a cancel of the task itself arrives as a bare
`CancelledError` (tests/library_facts/checkpoints.py), so an `except BaseExceptionGroup` there
never holds the task's cancellation."""

import asyncio
import logging

logger = logging.getLogger("runner")


# The group holds the children's errors only.
# OK
async def run_workers(workers):
    try:
        async with asyncio.TaskGroup() as group:
            for worker in workers:
                group.create_task(worker())
    except BaseExceptionGroup:
        logger.exception("workers failed")
        return
