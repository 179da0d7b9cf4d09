"""NOT a valid fix: `with anyio.CancelScope(shield=True)` alone. Nothing raises the cancel it
held back when the block ends, so after a cancel during a normal-path cleanup the result leaves
the cancelled scope: it must fail on (b). (With no bound, a cleanup that hangs after a cancel
would also keep the scope alive for ever.)"""
import anyio


async def run_job(job, conn):
    try:
        await job.run(conn)
        return job.result
    finally:
        with anyio.CancelScope(shield=True):
            await conn.save(job)
            await conn.close()
