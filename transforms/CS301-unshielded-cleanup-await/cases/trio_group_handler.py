"""`except BaseExceptionGroup` in trio code: a nursery raises the group with the scope's
`Cancelled` inside it beside the children's errors, so the handler runs in the cancelled scope
and its awaits meet the cancel at their first checkpoint."""

import logging

import trio

logger = logging.getLogger("asgi")


# The error report after splitting off the cancellation (hypercorn's trio task group).
# Error
async def serve(app, send):
    try:
        await app()
    except trio.Cancelled:
        raise
    except BaseExceptionGroup as error:
        _, others = error.split(trio.Cancelled)
        if others is not None:
            await send(("error", str(others.exceptions[0])))
        else:
            raise


# A named cleanup in a group handler in a tuple.
# Error
async def run_workers(workers, conn):
    try:
        async with trio.open_nursery() as nursery:
            for worker in workers:
                nursery.start_soon(worker)
    except (BaseExceptionGroup, OSError):
        await conn.aclose()
        raise


# `except ExceptionGroup` cannot hold `Cancelled` (a BaseException): no finding.
# OK
async def report_failures(workers, send):
    try:
        async with trio.open_nursery() as nursery:
            for worker in workers:
                nursery.start_soon(worker)
    except ExceptionGroup as group:
        await send(("failed", len(group.exceptions)))


# The group handler only logs: no checkpoint, no finding.
# OK
async def logged(app):
    try:
        await app()
    except BaseExceptionGroup:
        logger.exception("app failed")
        raise


# A group handler's own `try` guards nothing: a bare `Cancelled` from the body is not a group.
# OK
async def group_does_not_guard(stream):
    try:
        await stream.send_all(b"x")
    except BaseExceptionGroup:
        raise


# The cancellation part is split off and raised first (quart-trio): the awaits after it run
# only for a group without the cancellation. No finding.
# OK
async def dispatch(app, request, handle_exception):
    try:
        return await app(request)
    except trio.Cancelled:
        raise
    except BaseExceptionGroup as error:
        cancelled, _ = error.split(trio.Cancelled)
        if cancelled is not None:
            raise cancelled

        return await handle_exception(error)


# Split, but the other part is tested: the report still runs with the cancellation inside.
# Error
async def dispatch_others(app, request, send):
    try:
        return await app(request)
    except BaseExceptionGroup as error:
        cancelled, others = error.split(trio.Cancelled)
        if others is not None:
            raise others
        await send(("cancelled", request))
        raise


# `except BaseException` after `except trio.Cancelled`: a nursery cancelled from outside raises
# a group of `Cancelled`, which passes the first handler and runs the second in the cancelled
# scope.
# Error
async def run_jobs(store, jobs):
    try:
        async with trio.open_nursery() as nursery:
            for job in jobs:
                nursery.start_soon(job.run)
    except trio.Cancelled:
        logger.info("jobs cancelled")
        raise
    except BaseException:
        await store.record_failure(jobs)
        raise
