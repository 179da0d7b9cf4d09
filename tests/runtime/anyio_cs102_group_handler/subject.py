"""An ASGI-style runner under anyio that logs the app's errors, as anycorn's task group does
(`except BaseExceptionGroup`, split off the cancellation, drop it when there are other errors).

CS102: on trio (anyio's trio backend, or trio itself) a task group cancelled from outside while
a child fails raises a group holding the scope's `Cancelled` beside the child's error. The
handler logs the error and drops the cancellation: the runner goes on and returns normally in
the cancelled scope, and the scope ends without its cancellation.
"""
import anyio

log = []


async def serve(app):
    try:
        await app()
    except anyio.get_cancelled_exc_class():
        raise
    except BaseExceptionGroup as error:
        _, others = error.split(anyio.get_cancelled_exc_class())
        if others is not None:
            log.append(("error", str(others.exceptions[0])))
        else:
            raise
    log.append("served")
