"""`finally` blocks and handlers that CS301 leaves alone: already shielded (in either fix
form), a delay rather than a cleanup, sync code, or awaits of nested functions."""

import asyncio
import logging

logger = logging.getLogger("service")


# Already shielded.
# OK
async def flush_shielded(writer) -> None:
    try:
        await writer.write_all()
    finally:
        await asyncio.shield(writer.flush())


# Already in the py311+ fix form: a second run of the tool changes nothing.
# OK
async def flush_bounded(writer) -> None:
    try:
        await writer.write_all()
    finally:
        try:
            async with asyncio.timeout(5):
                await asyncio.shield(writer.flush())
        except TimeoutError:
            pass


# Already in the older-target fix form.
# OK
async def flush_bounded_wait_for(writer) -> None:
    try:
        await writer.write_all()
    finally:
        try:
            await asyncio.wait_for(asyncio.shield(writer.flush()), 5)
        except asyncio.TimeoutError:
            pass


# A shielded rollback in a cancellation handler.
# OK
async def transfer(tx, amount: int) -> None:
    try:
        await tx.execute("UPDATE accounts SET balance = balance - $1", amount)
    except asyncio.CancelledError:
        await asyncio.shield(tx.rollback())
        raise


# `asyncio.sleep` in the `finally` is a delay (a reconnect backoff), not a cleanup.
# OK
async def connect_once(client, backoff: float) -> None:
    try:
        await client.connect()
        await client.serve()
    finally:
        client.reset()
        await asyncio.sleep(backoff)


# A sync function: `finally` runs the loop itself, nothing to shield.
# OK
def close_sync(loop: asyncio.AbstractEventLoop, conn) -> None:
    try:
        loop.run_until_complete(conn.ping())
    finally:
        loop.run_until_complete(conn.close())


# Sync cleanup only; the awaits are in the `try` body.
# OK
async def with_connection(pool, fn):
    conn = await pool.acquire()
    try:
        return await fn(conn)
    finally:
        pool.release_nowait(conn)


# The awaits in the `finally` belong to a nested coroutine function and a lambda's call,
# scheduled for later; neither suspends this function.
# OK
async def serve(server, loop: asyncio.AbstractEventLoop, tasks: set) -> None:
    try:
        await server.serve_forever()
    finally:
        # OK
        async def close_later() -> None:
            await server.close()

        task = loop.create_task(close_later())
        tasks.add(task)
        task.add_done_callback(lambda t: tasks.discard(t))
        loop.call_soon(lambda: logger.info("server stopping"))


# A sync def nested in an async def, with its own `finally`.
# OK
async def start_reporter(reporter, loop: asyncio.AbstractEventLoop) -> None:
    # OK
    def on_done(fut: asyncio.Future) -> None:
        try:
            fut.result()
        finally:
            reporter.detach()

    fut = loop.run_in_executor(None, reporter.collect)
    fut.add_done_callback(on_done)
    await fut


# A task cancelled and then awaited in the `finally`: CS104 and CS103 judge that wait.
# OK
async def first_reply(primary, fallback) -> bytes:
    backup = asyncio.create_task(fallback())
    try:
        return await primary()
    finally:
        backup.cancel()
        await backup


# Awaits in the `else` of a `try` and after it are not cleanup.
# OK
async def send_with_receipt(conn, payload: bytes) -> None:
    try:
        await conn.send(payload)
    except ConnectionError:
        logger.warning("send failed")
    else:
        await conn.wait_receipt()
    await conn.flush()


# Home Assistant's keyboard_remote: waiting for the repeat tasks just cancelled, through
# the dict's `values()`: CS104 and CS103 judge that wait.
# OK
async def monitor(device, repeat_tasks: dict) -> None:
    try:
        async for event in device.events():
            repeat_tasks[event.code] = asyncio.create_task(device.repeat(event))
    except (OSError, asyncio.CancelledError):
        for task in repeat_tasks.values():
            task.cancel()
        if repeat_tasks:
            await asyncio.wait(repeat_tasks.values())
        raise


# anyio's own shield (its asyncio backend, and code written for anyio on asyncio): the
# cleanup already runs in a shielded cancel scope.
# OK
async def run_and_wait(handle, future, CancelScope) -> None:
    try:
        await future
    except BaseException:
        handle.cancel()
        with CancelScope(shield=True):
            await handle.wait()
        raise


# `shield=False` shields nothing.
# Error
async def close_quietly(conn, CancelScope) -> None:
    try:
        await conn.send(b"bye")
    finally:
        with CancelScope(shield=False):
            await conn.aclose()


# asyncio delivers a cancel once: an await whose name says nothing of cleanup is not reported
# in asyncio code (only in anyio and trio code, where every checkpoint raises again).
# OK
async def produce_items(items, send) -> None:
    try:
        for item in items:
            await send(item)
    finally:
        await send(None)
