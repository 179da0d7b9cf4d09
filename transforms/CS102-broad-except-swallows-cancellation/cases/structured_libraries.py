"""Broad handlers in trio and anyio code: a bare `except:` or `except BaseException` catches
the cancel scope's cancellation too. The fix tests for the library's cancellation class."""

import logging

import trio

logger = logging.getLogger("net")


# Error
async def ping_forever(stream, interval: float) -> None:
    while True:
        try:
            await stream.send_all(b"PING\r\n")
            await trio.sleep(interval)
        except BaseException:
            logger.exception("ping failed")
            return


# A bare `except:` that falls off the end: bound to a fresh name (`exc` is taken).
# Error
async def close_quietly(stream, exc=None) -> None:
    try:
        await stream.aclose()
    except:  # noqa: E722
        logger.debug("close failed: %r", exc)


# Re-raises the cancellation first: no finding.
# OK
async def send_or_log(stream, data: bytes) -> None:
    try:
        await stream.send_all(data)
    except BaseException as exc:
        if isinstance(exc, trio.Cancelled):
            raise
        logger.warning("send failed: %s", exc)


# Logs and re-raises everything: no finding.
# OK
async def traced(stream) -> bytes:
    try:
        return await stream.receive_some(1024)
    except BaseException:
        logger.exception("receive failed")
        raise


# A trio system task's runner that keeps the outcome: the task ends either way.
# OK
def spawn(coroutine):
    async def runner():
        outcome = None
        try:
            await coroutine
        except BaseException as error:
            outcome = error
        finally:
            print(outcome)

    trio.lowlevel.spawn_system_task(runner)
