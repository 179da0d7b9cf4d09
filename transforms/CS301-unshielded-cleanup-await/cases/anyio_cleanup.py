"""An anyio service. Under a cancelled scope every checkpoint raises the cancellation again,
so a cleanup awaited in a `finally:` that runs because of the cancel is cut short at once. The
fix nests the block in a shielded scope of the same task, bounded only once cancelled."""

import logging

import anyio

logger = logging.getLogger("jobs")


# Error
async def serve(listener, handler) -> None:
    try:
        await listener.serve(handler)
    finally:
        await listener.aclose()


# Two cleanups and the code between them: one unit. A shutdown gets the shutdown bound.
# Error
async def run_worker(worker, results) -> None:
    try:
        await worker.run()
    finally:
        await results.flush()
        logger.info("results flushed")
        await worker.shutdown()


# The cleanup's own bound is kept, and the unit's is never shorter.
# Error
async def relay(stream, sink) -> None:
    try:
        async for chunk in stream:
            await sink.send(chunk)
    except BaseException:
        with anyio.fail_after(20):
            await sink.aclose()
        raise


# The exit of an async context manager runs in the scope its body was cancelled in.
class Session:
    def __init__(self, stream):
        self.stream = stream

    # Error
    async def __aexit__(self, *exc_info):
        await self.stream.send(b"BYE")
        await self.stream.aclose()


# An `async for` and an `async with` in the block: the shield covers them as they are.
# Error
async def replay(journal, store) -> None:
    try:
        await store.load()
    finally:
        async with store.lock:
            async for entry in journal.pending():
                await store.commit(entry)


# Already shielded by anyio's own cancel scope.
# OK
async def transfer(tx, amount: int) -> None:
    try:
        await tx.execute("UPDATE accounts SET balance = balance - $1", amount)
    except anyio.get_cancelled_exc_class():
        with anyio.CancelScope(shield=True):
            await tx.rollback()
        raise


# Shielded and bounded.
# OK
async def notify_peer(stream) -> None:
    try:
        await stream.receive()
    finally:
        with anyio.move_on_after(2, shield=True):
            await stream.aclose()


# Not cleanup code: an `except Exception` handler does not run on a cancel.
# OK
async def retry_send(stream, data) -> None:
    try:
        await stream.send(data)
    except Exception:
        await stream.aclose()
        raise


# Not named as a cleanup, but under a cancelled scope its checkpoint raises and the record is
# lost: reported, with an unsafe fix (trio_any_checkpoint.py).
# Error
async def log_result(stream, audit) -> None:
    try:
        await stream.receive()
    finally:
        await audit.record("done")


class Pool:
    def __init__(self, manager, stack):
        self._group_manager = manager
        self._exit_stack = stack

    # Handing on the exit of a task group entered in `__aenter__`: its cancel scope was opened
    # before this block, and a new scope around its exit would break their nesting.
    # OK
    async def __aexit__(self, *exc_info):
        return await self._group_manager.__aexit__(*exc_info)

    # An exit stack's `aclose()` is such an exit too.
    # OK
    async def close_all(self) -> None:
        try:
            await self.drain()
        finally:
            await self._exit_stack.aclose()

    # Made to run in a cancelled scope, and a call that says it shields itself.
    # OK
    async def abort(self, stream, conn) -> None:
        try:
            await stream.receive()
        finally:
            await anyio.aclose_forcefully(stream)
            await aclose_shielded(conn)

    # A cleanup before a handed-on exit: the unit ends before the exit.
    # Error
    async def stop(self, *exc_info) -> None:
        try:
            await self.drain()
        finally:
            await self.flush()
            await self._group_manager.__aexit__(*exc_info)

    # A handed-on exit between two cleanups: reported, no fix (the unit would span the exit).
    # Error
    async def shutdown(self, *exc_info) -> None:
        try:
            await self.drain()
        finally:
            await self.flush()
            await self._group_manager.__aexit__(*exc_info)
            await self.release()


async def aclose_shielded(conn) -> None:
    with anyio.CancelScope(shield=True):
        await conn.aclose()
