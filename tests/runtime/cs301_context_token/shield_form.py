"""NOT a valid fix: the close moved into another task by asyncio.shield (the form cancelsafe
wrote before). `check.py shield_form.py` must fail on (d).

A request scope bound to its task: `open()` sets a ContextVar and keeps the token,
`aclose()` resets it and checks it runs in the task that opened the scope (as anyio cancel
scopes, SQLAlchemy's scoped sessions and `contextvars` tokens all require).

CS301: `finally: await scope.aclose()` -- a second cancel during the close cuts it short and the
scope stays open. Moving the close into another task (`asyncio.shield`) breaks it even with no
cancel: the token was made in another context, and the task is not the opener.
"""
import asyncio
import contextvars

current_request = contextvars.ContextVar("current_request", default=None)


class RequestScope:
    def __init__(self, request_id, close_time):
        self.request_id = request_id
        self.close_time = close_time
        self.closing = False
        self.closed = False

    async def open(self):
        self._token = current_request.set(self.request_id)
        self._owner = asyncio.current_task()

    async def aclose(self):
        self.closing = True
        await asyncio.sleep(self.close_time)
        if asyncio.current_task() is not self._owner:
            raise RuntimeError("scope closed in a task other than the one that opened it")
        current_request.reset(self._token)
        self.closed = True


async def handle(scope, work):
    """Run `work` inside the scope; return what the ContextVar reads after the close."""
    await scope.open()
    try:
        await work()
    finally:
        try:
            async with asyncio.timeout(0.5):
                await asyncio.shield(scope.aclose())
        except TimeoutError:
            pass
    return current_request.get()
