"""Handlers of exception groups in trio code. A nursery cancelled from outside raises a
`BaseExceptionGroup` that holds the scope's `trio.Cancelled` beside its children's errors (an
`except trio.Cancelled` before it does not catch the group). A handler that deals with the
errors and drops the cancellation part lets the code after it run in the cancelled scope, and
the scope may end without its cancellation. The fix raises the group's cancellation part, after
the handler's own code."""

import logging

import trio

logger = logging.getLogger("runner")


# Splits off the cancellation, reports the other errors, and drops the cancellation when there
# are any (anycorn's ASGI runner).
# Error
async def serve(app, send):
    try:
        await app()
    except trio.Cancelled:
        raise
    except BaseExceptionGroup as error:
        _, others = error.split(trio.Cancelled)
        if others is not None:
            logger.error("app failed: %r", others)
            await send(None)
        else:
            raise
    await send("done")


# Logs every group, without a name, and returns.
# Error
async def run_workers(workers):
    try:
        async with trio.open_nursery() as nursery:
            for worker in workers:
                nursery.start_soon(worker)
    except BaseExceptionGroup:
        logger.exception("workers failed")
        return


# In a tuple with ExceptionGroup, in a retry loop.
# Error
async def keep_polling(poll, interval):
    while True:
        try:
            async with trio.open_nursery() as nursery:
                nursery.start_soon(poll)
            await trio.sleep(interval)
        except (ExceptionGroup, BaseExceptionGroup) as group:
            logger.warning("poll failed: %r", group)


# Raises the cancellation part it split off: the handler settles it itself.
# OK
async def serve_checked(app, send):
    try:
        await app()
    except BaseExceptionGroup as error:
        cancelled, others = error.split(trio.Cancelled)
        if others is not None:
            await send(None)
        if cancelled is not None:
            raise cancelled


# Tests the cancellation part before re-raising the whole group.
# OK
async def run_checked(app):
    try:
        await app()
    except BaseExceptionGroup as error:
        if error.subgroup(trio.Cancelled):
            raise
        logger.exception("app failed")


# Re-raises every group.
# OK
async def run_logged(app):
    try:
        await app()
    except BaseExceptionGroup:
        logger.exception("app failed")
        raise


# `except ExceptionGroup` holds no cancellation: `trio.Cancelled` is a BaseException.
# OK
async def run_errors(app):
    try:
        await app()
    except ExceptionGroup:
        logger.exception("app failed")


# A broad handler before it takes the group first (CS102 reports that one).
# Error
async def run_broad_first(app):
    try:
        await app()
    except BaseException:
        logger.exception("app failed")
    except BaseExceptionGroup:
        logger.exception("never reached")


# Raises the part that holds the cancellation, split off with other classes (hypercorn's lifespan).
# OK
async def run_lifespan(app):
    try:
        await app()
    except (BaseExceptionGroup, Exception) as error:
        if isinstance(error, BaseExceptionGroup):
            reraise_error = error.subgroup((LookupError, trio.Cancelled))
            if reraise_error is not None:
                raise reraise_error
        logger.warning("continuing without lifespan support")


# Splits off the expected errors and raises the rest, which holds any cancellation (hypercorn's
# server loop).
# OK
async def run_server(serve):
    try:
        await serve()
    except BaseExceptionGroup as error:
        _, other_errors = error.split((LookupError, KeyboardInterrupt))
        if other_errors is not None:
            raise other_errors


# Returns only when every member is of another class (prefect's consumer).
# OK
async def run_consumers(consume):
    try:
        async with trio.open_nursery() as nursery:
            nursery.start_soon(consume)
    except BaseExceptionGroup as group:
        if all(isinstance(exc, LookupError) for exc in group.exceptions):
            logger.debug("consumers stopped")
            return
        raise group


# Collapses a group of one into its member, which may be the cancellation (starlette).
# OK
async def run_collapsing(app):
    try:
        await app()
    except BaseExceptionGroup as excs:
        if len(excs.exceptions) != 1:
            raise
        exc = excs.exceptions[0]
        raise exc from exc.__cause__


# Raises the first member without checking there is only one: a cancellation among several
# errors may be dropped.
# Error
async def run_first_error(app):
    try:
        await app()
    except BaseExceptionGroup as excs:
        first = excs.exceptions[0]
        raise first from None


# The same collapse, the member taken inside the length test (pydantic-ai's gather).
# OK
async def gather_collapsing(app):
    try:
        await app()
    except BaseExceptionGroup as eg:
        if len(eg.exceptions) == 1:
            exc = eg.exceptions[0]
            exc.__suppress_context__ = True
            raise exc
        raise
