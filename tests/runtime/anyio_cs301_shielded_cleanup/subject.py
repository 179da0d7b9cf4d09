"""A job runner written against anyio that saves its state and closes its connection in
`finally`.

CS301: under a cancelled scope every checkpoint raises the cancellation again, so when the
job is cancelled the save is cut short at its first await and the close is skipped.
"""
import anyio


async def run_job(job, conn):
    """Run `job` over `conn`; return its result."""
    try:
        await job.run(conn)
        return job.result
    finally:
        await conn.save(job)
        await conn.close()
