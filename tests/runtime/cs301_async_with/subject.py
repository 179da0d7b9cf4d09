"""A job runner that records the job's progress under a shared lock when it stops: an
`async with` block in `finally`.

CS301: taking the lock is an await. A second cancel while the runner waits for it (another
job holds it) skips the whole block: the progress is never saved. Leaving the block is an
await too (`__aexit__`), and it must run in the task that entered it.
"""
import asyncio


async def run_job(job, store):
    try:
        await job.run()
    finally:
        async with store.lock:
            store.save(job.name, job.progress)
