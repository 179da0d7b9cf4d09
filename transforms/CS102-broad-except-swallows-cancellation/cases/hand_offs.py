"""Handlers that hand the caught exception to another call: a framework's error channel, a
future's outcome, a supervisor's restart. The cancellation may be delivered there on purpose,
so the re-raise is offered as unsafe, and says to whom the exception went. A handler that only
looks at the exception (a log line, `repr`) keeps its safe fix."""

import asyncio
import logging

import trio

logger = logging.getLogger("jobs")


class Fixture:
    # The test context records the exception and cancels the test: the manager swallows it on
    # purpose.
    # Error
    async def managed(self, test_ctx, nursery):
        try:
            await nursery.wait()
        except BaseException as exc:
            test_ctx.crash(self, exc)
        finally:
            self.done.set()


# The outcome goes to whoever awaits the future.
# Error
async def run_into(future: asyncio.Future, call) -> None:
    try:
        future.set_result(await call())
    except BaseException as exc:
        future.set_exception(exc)


# A keyword argument is a hand-off too.
# Error
async def forward(channel, source) -> None:
    try:
        async for item in source:
            await channel.send(item)
    except BaseException as error:
        await channel.close(reason=error)


# Only looked at: logged with its text, its repr, `exc_info`. The safe fix stays.
# Error
async def logged(stream) -> None:
    try:
        await stream.send_all(b"bye")
    except BaseException as exc:
        logger.warning("send failed: %s (%r)", exc, repr(exc), exc_info=exc)
        print("failed:", exc)


# Converted: judged as a conversion, not as a hand-off.
# Error
async def converted(stream) -> bytes:
    try:
        return await stream.receive_some(10)
    except BaseException as exc:
        raise ConnectionError(exc) from exc


# Handed on after the cancellation was re-raised: no finding.
# OK
async def handed_after_check(stream, report) -> None:
    try:
        await trio.sleep(1)
    except BaseException as exc:
        if isinstance(exc, trio.Cancelled):
            raise
        report(exc)
