"""A trio service. `trio.Cancelled` is trio's cancellation: a cancelled scope raises it at every
checkpoint until the scope ends, so a swallow lets the code after it run in a cancelled scope.
A home-grown `CancelledError` is not trio's."""

import logging

import trio

logger = logging.getLogger("jobs")


class CancelledError(Exception):
    """Raised by JobRunner when an operator cancels a job from the dashboard."""


# Falls through, nothing after the `try`: safe, plain `raise`.
# Error
async def serve(handler, listeners) -> None:
    try:
        await trio.serve_listeners(handler, listeners)
    except trio.Cancelled:
        pass


# `return` after logging: safe.
# Error
async def read_frames(stream, frames: list) -> None:
    while True:
        try:
            data = await stream.receive_some(4096)
        except trio.Cancelled:
            logger.info("reader cancelled")
            return
        frames.append(data)


# A value leaves the cancelled scope as if the read had finished: unsafe.
# Error
async def fetch_status(stream) -> str:
    try:
        await stream.send_all(b"STATUS\r\n")
        return (await stream.receive_some(64)).decode()
    except trio.Cancelled:
        return "unknown"


# `continue` cannot retry under trio: the next turn's checkpoint raises the cancellation
# again, so the loop spins. Nothing follows the loop: safe.
# Error
async def keep_polling(sensor, readings: list) -> None:
    while True:
        try:
            readings.append(await sensor.read())
        except trio.Cancelled:
            logger.warning("poll cancelled, retrying")
            continue


# The same spin, and the loop is followed by code the cancel path used to reach: unsafe.
# Error
async def poll_three_times(sensor) -> object:
    for _ in range(3):
        try:
            return await sensor.read()
        except trio.Cancelled:
            continue
    logger.error("sensor gave up")
    if sensor.resettable:
        sensor.reset()
    return None


# A tuple with another exception: the exception is bound and only the cancellation re-raised.
# Error
async def send_heartbeat(stream) -> None:
    try:
        await stream.send_all(b"PING\r\n")
    except (trio.Cancelled, trio.BrokenResourceError):
        logger.info("heartbeat stopped")


# Already re-raises: no finding.
# OK
async def close_on_cancel(stream) -> None:
    try:
        await stream.receive_some(1)
    except trio.Cancelled:
        await trio.lowlevel.checkpoint_if_cancelled()
        raise


# A local class that happens to be called CancelledError.
# OK
async def run_job(job) -> str:
    try:
        await job.execute()
    except CancelledError:
        logger.info("job %s cancelled by operator", job.id)
        return "cancelled"
    return "done"


# No checkpoint in the `try`: the cancellation cannot arrive there.
# OK
async def parse_header(raw: bytes) -> dict:
    try:
        return dict(line.split(b":", 1) for line in raw.splitlines())
    except trio.Cancelled:
        return {}


# A task started in a nursery that swallows the cancellation and ends: the task ends either
# way, and the cancellation stays in effect at its scope, where the parent meets it again.
# Nothing runs after the cancel: not a leak.
# OK
async def forward_cancels(body_scope) -> None:
    try:
        await trio.sleep_forever()
    except trio.Cancelled:
        pass
    finally:
        body_scope.cancel()


# Spawned too, but code after the `try` runs in the cancelled scope.
# Error
async def watch(sensor, readings: list) -> None:
    try:
        readings.append(await sensor.read())
    except trio.Cancelled:
        pass
    readings.append("stopped")


async def supervise(sensor, readings: list) -> None:
    async with trio.open_nursery() as nursery:
        body_scope = trio.CancelScope()
        nursery.start_soon(forward_cancels, body_scope)
        nursery.start_soon(watch, sensor, readings)
