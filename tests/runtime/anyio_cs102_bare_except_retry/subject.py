"""An anyio reader that logs every failure with a bare `except:` and tries again.

CS102: under anyio a cancelled scope raises the cancellation again at the next checkpoint, on
either backend, so the retry cannot succeed: the loop spins, raising and swallowing the
cancellation as fast as it can, and the scope around it never ends.
"""
import anyio

log = []


async def keep_reading(stream, frames):
    """Append every frame `stream` gives to `frames`, for ever; failures are logged and retried."""
    while True:
        try:
            frames.append(await stream.receive())
        except:  # noqa: E722
            log.append("read failed")
