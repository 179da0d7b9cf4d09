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
    asyncio.create_task(run_job(job_id, release))
    return job_id
