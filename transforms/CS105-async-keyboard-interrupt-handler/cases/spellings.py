"""The module's own spelling of `CancelledError` is reused."""

from asyncio import CancelledError, sleep


# Error
async def ticker(out):
    try:
        while True:
            await sleep(1)
            out.write(".")
    except KeyboardInterrupt:
        out.write("\n")
