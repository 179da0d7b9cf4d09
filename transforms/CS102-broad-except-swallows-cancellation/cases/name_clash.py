"""The fix binds the caught exception as `exc`; where that name is already used, it
picks a fresh one so that no existing variable is overwritten (or deleted at the end of
the handler, as Python does with `except ... as name`)."""

import asyncio
import logging

logger = logging.getLogger("relay")


# `exc` is the loop variable here and is read after the `try`. Binding `exc` in the
# handler would delete it. The `try` is not last: unsafe.
# Error
async def relay(upstream, downstream, errors: list) -> int:
    exc = None
    for exc in upstream.drain_errors():
        errors.append(exc)
    try:
        await downstream.send(await upstream.read())
    except:
        downstream.abort()
    return 0 if exc is None else 1


# Named `exc` in a sibling function: the existing name is reused.
# Error
async def forward(upstream, downstream) -> None:
    try:
        await downstream.send(await upstream.read())
    except BaseException as exc:
        logger.warning("forward failed: %r", exc)


# OK
async def forward_reraising(upstream, downstream) -> None:
    try:
        await downstream.send(await upstream.read())
    except BaseException as exc:
        logger.warning("forward failed: %r", exc)
        if isinstance(exc, asyncio.CancelledError):
            raise
