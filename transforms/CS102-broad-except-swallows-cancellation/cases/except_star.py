"""`except* BaseException` around a TaskGroup: reported, no fix (the bound name is an
ExceptionGroup, so an isinstance() test for CancelledError would never match)."""

import asyncio
import logging

logger = logging.getLogger("batch")


# Report only.
# Error
async def run_all(jobs) -> None:
    try:
        async with asyncio.TaskGroup() as tg:
            for job in jobs:
                tg.create_task(job.run())
    except* BaseException as group:
        logger.error("%d jobs failed", len(group.exceptions))


# `except* Exception` cannot match a CancelledError.
# OK
async def run_all_collecting(jobs, failures: list) -> None:
    try:
        async with asyncio.TaskGroup() as tg:
            for job in jobs:
                tg.create_task(job.run())
    except* Exception as group:
        failures.extend(group.exceptions)
