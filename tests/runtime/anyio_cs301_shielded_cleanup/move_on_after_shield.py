"""NOT a valid fix: `with anyio.move_on_after(T, shield=True)`, the form flake8-async's ASYNC102
asks for. Its bound applies with no cancel too, so a cleanup slower than T is silently
abandoned on the normal path: it must fail on (d)."""
import anyio


async def run_job(job, conn):
    try:
        await job.run(conn)
        return job.result
    finally:
        with anyio.move_on_after(0.5, shield=True):
            await conn.save(job)
            await conn.close()
