"""Cancellation handlers with no suspension point of their own async def."""

import asyncio
import logging

logger = logging.getLogger("reporter")


# No suspension point in the `try`: reading futures that are already done.
# OK
async def collect_results(done: set[asyncio.Future]) -> list:
    results = []
    for fut in done:
        try:
            results.append(fut.result())
        except asyncio.CancelledError:
            continue
    return results


# `except Exception` does not catch CancelledError.
# OK
async def fetch_quietly(client, url: str) -> bytes | None:
    try:
        return await client.get(url)
    except Exception:
        logger.exception("GET %s failed", url)
        return None


# A done-callback is a sync function: nothing to propagate to.
# OK
def log_task_result(task: asyncio.Task) -> None:
    try:
        task.result()
    except asyncio.CancelledError:
        pass
    except Exception:
        logger.exception("task %s failed", task.get_name())


# A sync def nested inside an async def is not the async def's body.
# OK
async def start_reporter(reporter) -> asyncio.Task:
    # OK
    def on_done(fut: asyncio.Future) -> None:
        try:
            fut.result()
        except asyncio.CancelledError:
            logger.info("reporter stopped")

    task = asyncio.get_running_loop().create_task(reporter.run())
    task.add_done_callback(on_done)
    return task


# `try/finally` with no handler lets the cancel through.
# OK
async def with_connection(pool, fn):
    conn = await pool.acquire()
    try:
        return await fn(conn)
    finally:
        pool.release(conn)


# The only `await` in the `try` belongs to a nested coroutine function, and the other
# callback is a lambda: neither suspends this function.
# OK
async def register_handlers(bus, process) -> bool:
    try:
        # OK
        async def on_message(msg) -> None:
            await process(msg)

        bus.subscribe("jobs", on_message)
        bus.subscribe("audit", lambda msg: logger.info("audit %s", msg))
    except asyncio.CancelledError:
        return False
    return True
