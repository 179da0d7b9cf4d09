"""A handler type spread over several lines: the finding still reads on one line."""

import asyncio


# hypercorn's close: the tuple of "already closed" errors includes the cancel.
# Error
async def close(writer):
    try:
        writer.close()
        await writer.wait_closed()
    except (
        BrokenPipeError,
        ConnectionResetError,
        asyncio.CancelledError,
    ):
        pass  # Already closed
