import anyio


class Channel:
    """Closes without suspending: nothing to shield."""

    def __init__(self):
        self.closed = False

    async def aclose(self):
        self.closed = True


class Socket:
    def __init__(self, stream):
        self.stream = stream

    async def aclose(self):
        await self.stream.aclose()


async def drain(tasks):
    # Shielded as a whole: waits for the tasks however the caller is cancelled.
    with anyio.CancelScope(shield=True):
        for task in tasks:
            await task.wait()


async def settle(pending, tasks):
    # Only awaits a callee that shields itself.
    if pending:
        await drain(tasks)


async def close_stream(stream):
    await stream.aclose()
