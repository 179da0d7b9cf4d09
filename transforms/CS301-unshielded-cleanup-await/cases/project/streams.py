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


_lock = anyio.Lock()


def serialized(function):
    async def inner(*args, **kwargs):
        # Checkpoints outside any shield before the body runs.
        async with _lock:
            return await function(*args, **kwargs)

    return inner


@serialized
async def release_conn(conn):
    with anyio.CancelScope(shield=True):
        await conn.aclose()


async def drain_list(receive):
    return [item async for item in receive]


async def _unshielded_close(conn):
    await conn.aclose()


def retry(function):
    async def again(*args):
        await anyio.sleep(0.1)
        return await function(*args)

    return again


async def close_retrying(conn):
    with anyio.CancelScope(shield=True):
        await conn.aclose()


close_retrying = retry(close_retrying)


def _shielded(function):
    async def inner(*args, **kwargs):
        with anyio.CancelScope(shield=True):
            return await function(*args, **kwargs)

    return inner


@_shielded
@serialized
async def release_in_order(conn):
    await conn.aclose()


@serialized
@_shielded
async def release_after_lock(conn):
    await conn.aclose()
