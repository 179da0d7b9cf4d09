"""Statements sharing a line with a cleanup await (`a(); b()`), and a `finally:` written on one
line: the block is nested in the unit's `with`, the awaits wrapped where they stand, and the
line keeps its statements."""

import asyncio


# Error
async def close_both(reader, writer) -> None:
    try:
        await reader.drain()
    finally: await writer.flush(); await writer.close()


# Error
async def flush_then_count(writer, stats) -> None:
    try:
        await writer.write(b"x")
    finally:
        await writer.flush(); stats.flushes += 1  # counted


# Waiting for tasks cancelled just before is teardown of children, not a cleanup of its own.
# OK
async def stop_children(children: list[asyncio.Task]) -> None:
    try:
        await asyncio.sleep(3600)
    finally:
        for child in children:
            child.cancel()
        await asyncio.gather(*children, return_exceptions=True)
        await asyncio.wait([children[0]])
