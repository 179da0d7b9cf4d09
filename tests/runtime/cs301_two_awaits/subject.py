"""A batch uploader that, in `finally`, flushes what it buffered and then closes the
connection: two cleanup awaits in one block.

CS301: a second cancel during the flush cuts the flush short and skips the close. Protecting
each await on its own is not enough either: the flush finishes, but the cancel leaves the
`finally:` before the close starts.
"""
import asyncio


async def upload(source, conn):
    """Send what `source` gives to `conn` until it gives None; return the count."""
    buffered = []
    count = 0
    try:
        while True:
            item = await source.get()
            if item is None:
                return count
            buffered.append(item)
            count += 1
    finally:
        await conn.flush(buffered)
        await conn.close()
