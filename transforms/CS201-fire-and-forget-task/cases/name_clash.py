"""The module already uses the helper's names for other things: `_background_tasks` is a list of
job names and `_track_task(name, started)` records a metric (not a tracking function). The
inserted helper takes fresh names for those two (`_background_tasks_1`, `_track_task_1`); the
existing definitions are left alone."""

import asyncio
import time

from .metrics import histogram

_background_tasks: list[str] = ["nightly-report", "cache-warmup"]


def _track_task(name: str, started: float) -> None:
    histogram("job_seconds", time.monotonic() - started, tags={"job": name})


async def run_job(name: str) -> None:
    started = time.monotonic()
    await asyncio.sleep(1)
    _track_task(name, started)


# Both spawns are dropped.
# Error
async def start_background_jobs() -> None:
    for name in _background_tasks:
        asyncio.create_task(run_job(name), name=name)
    asyncio.get_running_loop().create_task(run_job("adhoc"))
