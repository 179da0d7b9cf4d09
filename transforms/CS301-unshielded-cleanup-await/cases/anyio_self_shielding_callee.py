"""A cleanup that calls an `async def` of the same class or module that shields itself: one
decorated for shielding, or whose every await sits in `with anyio.CancelScope(shield=True):`. A
cancelled scope cannot cut it short, so there is nothing to protect; a callee shielded only in
part, or decorated otherwise, still is."""

import functools

import anyio


def _shielded(f):
    @functools.wraps(f)
    async def wrapper(*args, **kwargs):
        with anyio.CancelScope(shield=True):
            return await f(*args, **kwargs)

    return wrapper


def _traced(f):
    @functools.wraps(f)
    async def wrapper(*args, **kwargs):
        return await f(*args, **kwargs)

    return wrapper


class Registry:
    def __init__(self, conn):
        self.conn = conn
        self.lock = anyio.Lock()
        self.active = {}

    async def release(self, key):
        # A cancelled request must still give its slot back.
        with anyio.CancelScope(shield=True):
            async with self.lock:
                self.active.pop(key, None)

    @_shielded
    async def close(self):
        await self.conn.close()

    async def flush_then_close(self):
        await self.conn.flush()
        with anyio.CancelScope(shield=True):
            await self.conn.close()

    @_traced
    async def reset(self):
        await self.conn.reset()

    # OK
    async def handle(self, key, request):
        try:
            return await request()
        finally:
            await self.release(key)

    # OK
    async def __aexit__(self, *exc_info):
        return await self.close()

    # Error
    async def stop(self):
        try:
            await self.conn.drain()
        finally:
            await self.flush_then_close()

    # Error
    async def abort(self):
        try:
            await self.conn.drain()
        finally:
            await self.reset()


class Middleware:
    def __init__(self, conn, fallback=None):
        self.registry = Registry(conn)
        self.other = Registry(conn) if fallback is None else fallback
        self.conn = conn

    # Through `self.registry`, which only ever holds a `Registry`: nothing to protect.
    # OK
    async def on_request(self, key, call_next):
        try:
            return await call_next()
        finally:
            await self.registry.release(key)

    # `self.other` may hold anything: still a cleanup.
    # Error
    async def on_other(self, key, call_next):
        try:
            return await call_next()
        finally:
            await self.other.release(key)
