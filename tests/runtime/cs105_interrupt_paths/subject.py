"""A coroutine that handles KeyboardInterrupt around its work (CS105).

A cancel -- which is what a Ctrl-C under asyncio.run() becomes -- passes the
handler by: its cleanup (`log.append("interrupted")`) is skipped.  The fix
catches the cancellation too, runs the same cleanup, and re-raises it; a
real KeyboardInterrupt still returns "interrupted" as before.
"""
import asyncio

log: list[str] = []


async def run_job(job):
    try:
        result = await job()
    except KeyboardInterrupt:
        log.append("interrupted")
        return "interrupted"
    log.append("finished")
    return result
