"""An ASGI-style runner under trio that reports the app's errors to the client, as hypercorn's
trio task group does (`except BaseExceptionGroup`, split off the `Cancelled`).

CS301: when the runner's scope is cancelled while the app's nursery fails, the nursery raises an
exception group holding the scope's `Cancelled` beside the app's error. The handler's report is
then awaited in the cancelled scope: it raises `Cancelled` at its first checkpoint, and the
client never hears of the error.
"""
import trio


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
