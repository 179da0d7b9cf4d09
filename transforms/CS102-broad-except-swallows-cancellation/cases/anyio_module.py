"""Broad handlers in anyio code. A bare `except:` or `except BaseException` catches the
cancel scope's cancellation too (`anyio.get_cancelled_exc_class()`), and under anyio a
cancelled scope raises it again at every checkpoint: a swallow lets the code after it run in a
cancelled scope, and a retry loop spins. The fix re-raises the library's cancellation first."""

import logging

import anyio

logger = logging.getLogger("sync")


# Logs and goes on: the caller's code runs in the cancelled scope.
# Error
async def push(client, batch) -> bool:
    try:
        await client.post("/batch", json=batch)
    except BaseException:
        logger.exception("push failed")
        return False
    return True


# A retry loop: every turn raises the cancellation again and the loop spins.
# Error
async def keep_syncing(client, interval: float) -> None:
    while True:
        try:
            await client.sync()
            await anyio.sleep(interval)
        except:  # noqa: E722
            logger.warning("sync failed, retrying")


# `except (Exception, BaseException)`: the tuple holds BaseException.
# Error
async def fetch_all(client, paths) -> list:
    results = []
    for path in paths:
        try:
            results.append(await client.get(path))
        except (OSError, BaseException) as exc:
            logger.info("skipping %s: %s", path, exc)
    return results


# Tests for the library's cancellation and re-raises it first.
# OK
async def push_checked(client, batch) -> bool:
    try:
        await client.post("/batch", json=batch)
    except BaseException as exc:
        if isinstance(exc, anyio.get_cancelled_exc_class()):
            raise
        logger.exception("push failed")
        return False
    return True


# Logs and re-raises everything.
# OK
async def traced(client) -> bytes:
    try:
        return await client.read()
    except BaseException:
        logger.exception("read failed")
        raise


# `except Exception` does not catch the cancellation.
# OK
async def push_quietly(client, batch) -> None:
    try:
        await client.post("/batch", json=batch)
    except Exception:
        logger.exception("push failed")


# A task of a task group that swallows everything and ends: the task ends either way and the
# cancellation stays in effect at the group's scope. Not a leak.
# OK
async def heartbeat(client) -> None:
    try:
        while True:
            await client.ping()
            await anyio.sleep(5)
    except BaseException:
        logger.info("heartbeat stopped")


async def run(client, batch) -> None:
    async with anyio.create_task_group() as tg:
        tg.start_soon(heartbeat, client)
        await push(client, batch)


# No checkpoint in the `try`: the cancellation cannot arrive there.
# OK
async def parse(raw: bytes) -> dict:
    try:
        return dict(line.split(b"=", 1) for line in raw.splitlines())
    except BaseException:
        return {}
