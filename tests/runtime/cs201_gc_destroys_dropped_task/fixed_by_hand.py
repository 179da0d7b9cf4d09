"""Job runner that starts each job as a fire-and-forget task.

CS201: `asyncio.create_task(run_job(...))` is dropped.  The loop keeps only a
weak reference to a task, and a job waiting on an event that only its own
frame holds is an unreachable cycle: the next `gc.collect()` destroys it
mid-flight ("Task was destroyed but it is pending!") and the job never runs
to the end.  The registry holds the events weakly on purpose, so that
finished jobs do not pile up in it.
"""
import asyncio
import weakref


_background_tasks: set[asyncio.Task] = set()


def _track_task(task):
    """Keep a reference to `task` until it is done, so it cannot be garbage-collected mid-flight."""
    _background_tasks.add(task)
    task.add_done_callback(_background_tasks.discard)
    return task


async def _cancel_tracked_tasks():
    """Cancel the tracked tasks still running and wait until they are done (call it on shutdown)."""
    current = asyncio.current_task()
    tasks = [task for task in _background_tasks if task is not current and not task.done()]
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


log: list[str] = []
# job id -> the event that releases the job; weak, so a finished job leaves no entry behind
release_events: "weakref.WeakValueDictionary[str, asyncio.Event]" = weakref.WeakValueDictionary()


async def run_job(job_id: str, release: asyncio.Event) -> None:
    log.append(f"{job_id} waiting")
    await release.wait()
    log.append(f"{job_id} done")


async def submit(job_id: str) -> str:
    release = asyncio.Event()
    release_events[job_id] = release
    _track_task(asyncio.create_task(run_job(job_id, release)))
    return job_id
