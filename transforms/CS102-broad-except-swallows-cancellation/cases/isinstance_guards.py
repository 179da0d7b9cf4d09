"""`isinstance` tests of the caught exception: a guard is no leak, a branch that swallows is."""

import asyncio
import logging

logger = logging.getLogger(__name__)


# A cancellation is no `Exception`: this raises it.
# OK
async def call_reraising_base(func) -> None:
    try:
        await func()
    except BaseException as exc:
        if not isinstance(exc, Exception):
            raise
        logger.exception("call failed")


# A tuple holding CancelledError.
# OK
async def call_reraising_interrupts(func) -> None:
    try:
        await func()
    except BaseException as exc:
        if isinstance(exc, (KeyboardInterrupt, asyncio.CancelledError)):
            raise
        logger.exception("call failed")


# The cancel branch logs and falls through to `return None`: still a swallow.
# Error
async def call_logging_cancel(func):
    try:
        return await func()
    except BaseException as exc:
        if isinstance(exc, asyncio.CancelledError):
            logger.info("call cancelled")
        return None


# The other-errors branch re-raises; a cancellation takes the `else` and returns.
# Error
async def call_swallowing_cancel(func):
    try:
        return await func()
    except BaseException as exc:
        if isinstance(exc, (ValueError, OSError)):
            raise
        elif isinstance(exc, KeyboardInterrupt):
            raise
        logger.info("call ended: %r", exc)
        return None


class ReconnectError(Exception):
    pass


class HandshakeError(ReconnectError):
    pass


# Returns only for the module's own errors (a compound test): a cancellation reaches `raise`.
# OK
async def send_or_reconnect(send, can_reconnect):
    try:
        await send()
    except BaseException as error:
        if isinstance(error, HandshakeError) and can_reconnect:
            return
        raise
