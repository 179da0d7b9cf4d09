# cancelsafe-case: --helper-module app.tasks
"""The module already imports the shared helper under an alias: the fix reuses the alias and
adds no import."""

import asyncio

from app.tasks import track_task as keep_running


# Error
def schedule_refresh(loop: asyncio.AbstractEventLoop, cache) -> None:
    loop.call_later(30, lambda: loop.create_task(cache.refresh()))


# Already tracked through the alias.
# OK
def schedule_cleanup(loop: asyncio.AbstractEventLoop, cache) -> None:
    loop.call_soon(lambda: keep_running(loop.create_task(cache.cleanup())))
