"""A crawler that imports asyncio under an alias; fixes reuse `aio.`."""

import asyncio as aio
import logging

log = logging.getLogger("crawler")


# `return value` under the alias: unsafe.
# Error
async def fetch_page(session, url: str) -> bytes:
    try:
        return await session.get(url)
    except aio.CancelledError:
        log.info("fetch of %s cancelled", url)
        return b""


# Tuple that also names ValueError: bound as `exc`, `isinstance(exc, aio.CancelledError)`
# before the `continue`; unsafe (a loop).
# Error
async def crawl(frontier: aio.Queue, session, seen: set[str]) -> None:
    while not frontier.empty():
        url = frontier.get_nowait()
        try:
            body = await session.get(url)
        except (aio.CancelledError, ValueError):
            log.warning("skipping %s", url)
            continue
        seen.add(url)
        for link in session.links(body):
            frontier.put_nowait(link)


# Falls off the end; the `try` is last: safe.
# Error
async def politeness_delay(host: str, delays: dict[str, float]) -> None:
    try:
        await aio.sleep(delays.get(host, 1.0))
    except aio.CancelledError:
        delays.pop(host, None)


# `except Exception` does not catch CancelledError (a BaseException since 3.8).
# OK
async def fetch_or_empty(session, url: str) -> bytes:
    try:
        return await session.get(url)
    except Exception:
        log.exception("fetch of %s failed", url)
        return b""


# OK
async def fetch_page_reraising(session, url: str) -> bytes:
    try:
        return await session.get(url)
    except aio.CancelledError:
        log.info("fetch of %s cancelled", url)
        raise
