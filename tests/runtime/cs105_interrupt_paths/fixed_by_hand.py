"""cs105_interrupt_paths fixed by hand (reference only)."""
import asyncio

log: list[str] = []


async def run_job(job):
    try:
        result = await job()
    except (asyncio.CancelledError, KeyboardInterrupt) as exc:
        log.append("interrupted")
        if isinstance(exc, asyncio.CancelledError):
            raise
        return "interrupted"
    log.append("finished")
    return result
