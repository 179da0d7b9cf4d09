"""`from asyncio import *` binds asyncio's public names: the handler below names asyncio's
`CancelledError`, so the await is already handled (CS103 judges that handler). An earlier
cancelsafe did not know the names and wrapped the await in a second `try`, so the user's handler
no longer ran."""

from asyncio import *


# OK
async def stop(log):
    task = ensure_future(sleep(1))
    task.cancel()
    try:
        await task
    except CancelledError:
        log.append("stopped")
