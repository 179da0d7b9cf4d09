"""Code written against anyio, which runs on asyncio or trio: `anyio.get_cancelled_exc_class()`
is the backend's cancellation (asyncio.CancelledError or trio.Cancelled), also through a name
bound to it or imported by name."""

import logging

import anyio
from anyio import get_cancelled_exc_class

logger = logging.getLogger("relay")


# Error
async def relay(receive_stream, send_stream) -> None:
    async with receive_stream, send_stream:
        try:
            async for item in receive_stream:
                await send_stream.send(item)
        except anyio.get_cancelled_exc_class():
            logger.info("relay stopped")


# A name bound to the class inside the function.
# Error
async def drain(receive_stream, sink: list) -> None:
    cancelled = anyio.get_cancelled_exc_class()
    try:
        while True:
            sink.append(await receive_stream.receive())
    except cancelled:
        return


# Imported by name; `anyio.sleep` raises only this task's cancellation.
# Error
async def wait_for_ready(flag) -> bool:
    while not flag.is_set():
        try:
            await anyio.sleep(0.1)
        except get_cancelled_exc_class():
            break
    return flag.is_set()


# Awaiting an existing future: on the asyncio backend its CancelledError may be another
# task's, and anyio has no backend-independent count to tell: unsafe.
# Error
async def result_of(future) -> None:
    try:
        await future
    except get_cancelled_exc_class():
        return None


# `except*` re-raises the cancellation itself, not the group.
# Error
async def run_all(jobs) -> None:
    try:
        async with anyio.create_task_group() as tg:
            for job in jobs:
                tg.start_soon(job)
    except* get_cancelled_exc_class():
        logger.info("jobs cancelled")


# Re-raised after a shielded cleanup: no finding.
# OK
async def transfer(tx, amount: int) -> None:
    try:
        await tx.execute("UPDATE accounts SET balance = balance - $1", amount)
    except anyio.get_cancelled_exc_class():
        with anyio.CancelScope(shield=True):
            await tx.rollback()
        raise


# A sync helper reading a result: no suspension, not async code.
# OK
def outcome_of(future) -> object:
    try:
        return future.result()
    except get_cancelled_exc_class():
        return None
