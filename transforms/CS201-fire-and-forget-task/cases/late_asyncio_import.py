"""`import asyncio` comes after other module code: the helper (whose annotation names
`asyncio.Task`) goes after that import, not after the first block of imports."""

import os

BASE = os.environ.get("BASE", "/srv")
import asyncio  # noqa: E402


# Error
async def warm(cache) -> None:
    asyncio.create_task(cache.fill(BASE))


# `ensure_future` of an existing future returns it: no task is created, nothing is dropped.
# OK
def adopt(fut: asyncio.Future) -> None:
    asyncio.ensure_future(fut)
