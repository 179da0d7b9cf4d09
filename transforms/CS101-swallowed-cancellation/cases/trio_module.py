"""A trio service. The module does not import asyncio: trio's Cancelled and a home-grown
CancelledError are out of scope, so nothing here is reported."""

import logging

import trio

logger = logging.getLogger("jobs")


class CancelledError(Exception):
    """Raised by JobRunner when an operator cancels a job from the dashboard."""


# OK
async def serve(handler, listeners) -> None:
    try:
        await trio.serve_listeners(handler, listeners)
    except trio.Cancelled:
        pass


# A local class that happens to be called CancelledError.
# OK
async def run_job(job) -> str:
    try:
        await job.execute()
    except CancelledError:
        logger.info("job %s cancelled by operator", job.id)
        return "cancelled"
    return "done"


# OK
async def ping_forever(stream, interval: float) -> None:
    while True:
        try:
            await stream.send_all(b"PING\r\n")
            await trio.sleep(interval)
        except BaseException:
            logger.exception("ping failed")
            return
