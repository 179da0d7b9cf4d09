"""Money transfer that rolls its transaction back when cancelled.

CS301: `except asyncio.CancelledError: await tx.rollback(); raise` -- a
second cancel during the rollback cuts it short and leaves the transaction
open; a rollback that hangs keeps the cancelled task from ever ending.
"""
import gc
import sys
import logging
import asyncio


class _ProtectedCleanup:
    """The awaits of one cleanup block, run in this task and its context (cancelsafe CS301).

    A cancel that arrives while they run is held back and raised when the block ends. Once
    the task is cancelled the block has `bound` seconds (the largest given); a cleanup still
    running then is cancelled where it waits, and a warning is logged."""

    def __init__(self, *bounds):
        self._task = asyncio.current_task()
        self._loop = self._task.get_loop() if self._task else None
        self._bound = max(bound for bound in bounds if isinstance(bound, (int, float)))
        self._count = getattr(self._task, "cancelling", None)  # Python 3.11+
        self._before = self._count() if self._count else 0
        propagating = sys.exc_info()[1]
        self._cancel = propagating if isinstance(propagating, asyncio.CancelledError) else None
        self._held = None
        self._deadline = None if self._cancel is None or self._task is None else self._loop.time() + self._bound

    def __enter__(self):
        return self

    def __exit__(self, kind, error, traceback):
        if self._held is not None and self._pending() and not isinstance(error, asyncio.CancelledError):
            raise self._held

    def _pending(self):
        """Is the task still being cancelled? (Before 3.11 a held cancel always counts.)"""
        return self._cancel is not None or self._count is None or self._count() > self._before

    async def __call__(self, awaitable):
        if self._task is None:  # not run by a task: nothing can cancel it
            return await awaitable
        steps = awaitable.__await__()
        resume, cut_off = None, False
        while True:
            try:
                waiting = next(steps) if resume is None else steps.throw(resume)
            except StopIteration as done:
                return done.value
            resume = None
            if cut_off:
                if self._pending():
                    getattr(waiting, "cancel", lambda: None)()
                    steps.close()
                    raise self._held or self._cancel
                cut_off = False  # the cancel was the cleanup's own timeout's, and it took it back
            if waiting is None:  # a bare `yield`, as in asyncio.sleep(0)
                if self._deadline is not None and self._loop.time() >= self._deadline:  # a poll that would never end
                    name = getattr(awaitable, "__qualname__", type(awaitable).__qualname__)
                    logging.getLogger(__name__).warning(
                        "cleanup %s cut off after %s s: the task was cancelled and it had not finished", name, self._bound
                    )
                    resume, cut_off = asyncio.CancelledError(), True
                    continue
                resume = await self._hold(asyncio.sleep(0), awaitable)
            elif getattr(waiting, "_asyncio_future_blocking", False):
                waiting._asyncio_future_blocking = False
                while not waiting.done() and not cut_off:
                    left = None if self._deadline is None else self._deadline - self._loop.time()
                    if left is not None and left <= 0:
                        name = getattr(awaitable, "__qualname__", type(awaitable).__qualname__)
                        logging.getLogger(__name__).warning(
                            "cleanup %s cut off after %s s: the task was cancelled and it had not finished", name, self._bound
                        )
                        waiting.cancel()
                        cut_off = True
                    elif await self._hold(asyncio.wait((waiting,), timeout=left), awaitable) is not None:
                        waiting.cancel()  # the cleanup's own timeout: it gets its cancel where it waits
            else:
                resume = RuntimeError(f"cleanup awaited {waiting!r}, not a future")

    async def _hold(self, waiting, awaitable):
        """Wait, holding back a cancel of this task; return a cancel the cleanup's own timeout made."""
        try:
            await waiting
        except asyncio.CancelledError as cancel:  # noqa: CS101, CS103 - held back, raised when the block ends
            if self._own(cancel, awaitable):
                return cancel
            if self._held is None:
                self._held = cancel
            if self._deadline is None:
                self._deadline = self._loop.time() + self._bound
        return None

    @staticmethod
    def _own(cancel, awaitable):
        """Did an expired `asyncio.timeout()` on the cleanup's own stack (`wait_for` uses one from
        3.12 on), or an anyio cancel scope, cancel the task?"""
        if str(cancel).startswith("Cancelled by cancel scope"):
            return True
        timeout = getattr(asyncio, "Timeout", None)
        while timeout is not None and awaitable is not None:
            for held in gc.get_referents(awaitable):
                held = getattr(held, "__self__", held)  # `async with` keeps the bound `__aexit__`
                if isinstance(held, timeout) and held.expired():
                    return True
            awaitable = getattr(awaitable, "cr_await", None)
        return False

    def context(self, manager):
        """`async with` `manager`, entered and left as part of this block."""
        return _ProtectedCleanupContext(self, manager)


class _ProtectedCleanupContext:
    def __init__(self, cleanup, manager):
        self._cleanup, self._manager = cleanup, manager

    async def __aenter__(self):
        return await self._cleanup(type(self._manager).__aenter__(self._manager))

    async def __aexit__(self, kind, error, traceback):
        return await self._cleanup(type(self._manager).__aexit__(self._manager, kind, error, traceback))


async def transfer(db, src, dst, amount):
    tx = await db.begin()
    try:
        await tx.execute("debit", src, amount)
        await tx.execute("credit", dst, amount)
        await tx.commit()
    except asyncio.CancelledError:
        with _ProtectedCleanup(0.5) as cleanup:
            await cleanup(tx.rollback())
        raise
    return amount
