"""Record reader that maps "cancelled" and "garbage" alike to "no record".

CS101: `except (asyncio.CancelledError, ValueError):` with a bare `return`
(returns None): guarded form, the ValueError path must keep returning None.
"""
import asyncio
import json

log: list[str] = []


async def next_record(reader) -> dict | None:
    try:
        line = await reader.readline()
        record = json.loads(line)
    except (asyncio.CancelledError, ValueError):
        log.append("no record")
        return
    log.append("record")
    return record
