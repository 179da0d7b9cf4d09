"""A trio reader that logs every failure and tries again, cancellation included.

CS102: under trio a cancelled scope raises `Cancelled` again at the next checkpoint, so the
retry cannot succeed: the loop spins, raising and swallowing the cancellation as fast as it
can, and the scope around it never ends.
"""
import trio

log = []


async def keep_reading(stream, frames):
    """Append every frame `stream` gives to `frames`, for ever; failures are logged and retried."""
    while True:
        try:
            frames.append(await stream.receive_some())
        except BaseException as exc:
            log.append(f"read failed: {type(exc).__name__}")
            continue
