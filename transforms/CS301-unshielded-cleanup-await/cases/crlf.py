"""A metrics pusher saved with CRLF line endings: the lines the fix inserts end in CRLF too."""

import asyncio
import logging

logger = logging.getLogger("metrics")


# Error
async def push_forever(client, registry, interval: float) -> None:
    try:
        while True:
            await client.push(registry.collect())
            await asyncio.sleep(interval)
    finally:
        await client.push(registry.collect())
        await client.close()


# Error
async def push_once(client, registry) -> None:
    try:
        await client.push(registry.collect())
    except BaseException:
        logger.warning("push interrupted")
        await client.close()
        raise


# OK
async def push_quietly(client, registry) -> None:
    try:
        await client.push(registry.collect())
    except Exception:
        await client.close()
