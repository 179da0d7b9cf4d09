"""Batch runner on a TaskGroup, with `except*` handlers.

CS101: `except* asyncio.CancelledError:` that logs and falls off the end
(`return`/`break`/`continue` are not allowed in `except*`, so falling off the
end is the only exit).  When the runner is cancelled, the TaskGroup cancels
the jobs and then re-raises a plain CancelledError, which `except*` wraps in a
BaseExceptionGroup and swallows.
"""
import asyncio

log: list[str] = []


async def run_batch(jobs) -> None:
    try:
        async with asyncio.TaskGroup() as tg:
            for job in jobs:
                tg.create_task(job())
        log.append("batch done")
    except* ValueError as eg:
        log.append(f"batch rejected: {len(eg.exceptions)} bad job(s)")
    except* asyncio.CancelledError as exc:
        log.append("batch cancelled")
        # Deviation from docs/fix-forms.md: a bare `raise` in `except*` re-raises
        # a BaseExceptionGroup wrapping the CancelledError, so the task would end
        # with that group instead of ending cancelled.  Re-raise the error itself.
        raise exc.exceptions[0]
