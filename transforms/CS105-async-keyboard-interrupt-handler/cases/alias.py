"""`import asyncio as aio`."""

import asyncio as aio


# Error
async def pump(source, sink):
    try:
        async for chunk in source:
            await sink.write(chunk)
    except KeyboardInterrupt:
        await sink.flush()
    return aio.current_task()
