"""One sync round that logs any failure and gives up until the next round.

CS102: `except BaseException as e:` that logs and returns: it also eats the
task's cancel.
"""
import asyncio

log: list[str] = []


async def sync_once(client, store: dict) -> None:
    try:
        data = await client.fetch()
        store.update(data)
    except BaseException as e:
        log.append(f"sync failed: {type(e).__name__}")
        if isinstance(e, asyncio.CancelledError):
            raise
        return
    log.append("synced")
