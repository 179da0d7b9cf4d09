"""Cleanups that call an `async def` defined in another module of the same project, read there:
one that shields itself (a `cancel_shielded_checkpoint()`, a shielded body, a callee of such a
callee), or a method that never checkpoints, has nothing to protect. The siblings are in
`project/`, reached by relative imports, a re-export of the package's `__init__.py` and a
submodule imported by name (a package before a module of the same name). A callee that does
checkpoint (itself, in a method of the instance a class attribute holds, in a decorator that
wraps it, in an `async for` of a comprehension), a name the module binds again (here or where it
is defined), a name that says it is unshielded, and a module that is not there are still
cleanups."""

import anyio

from .project import resync_tracer, streams, util
from .project._compat import flush_then_resync
from .project.streams import Channel, Socket, drain as drain_tasks, settle
from .project.streams import close_retrying, drain_list, release_conn, _unshielded_close
from .project.streams import release_after_lock, release_in_order
from .elsewhere import close_quietly
from .project.streams import close_stream


async def close_stream(stream):
    await stream.aclose()
    await anyio.sleep(0)


class Dispatcher:
    def __init__(self, stream):
        self.channel = Channel()
        self.socket = Socket(stream)
        self.tasks = []

    # OK
    async def request(self, send):
        try:
            return await send()
        finally:
            await resync_tracer()

    # OK
    async def shutdown(self, run):
        try:
            await run()
        finally:
            await self.channel.aclose()

    # OK
    async def stop(self, run):
        try:
            await run()
        except BaseException:
            await drain_tasks(self.tasks)
            raise

    # OK
    async def stop_pending(self, run, pending):
        try:
            await run()
        finally:
            await settle(pending, self.tasks)

    # OK
    async def stop_by_module(self, run):
        try:
            await run()
        finally:
            await streams.drain(self.tasks)

    # OK
    async def close_local(self, run):
        channel = Channel()
        try:
            await run(channel)
        finally:
            await channel.aclose()

    # The unit reaches to the callee that shields itself after the close: its exit raises the
    # cancel it held back, which would skip the drain.
    # Error
    async def close_then_drain(self, run, conn):
        try:
            await run()
        finally:
            await conn.aclose()
            await drain_tasks(self.tasks)

    # Error
    async def close_socket(self, run):
        try:
            await run()
        finally:
            await self.socket.aclose()

    # Error
    async def flush(self, run, conn):
        try:
            await run()
        finally:
            await flush_then_resync(conn)

    # Error
    async def rebound(self, run, stream):
        try:
            await run()
        finally:
            await close_stream(stream)

    # Error
    async def outside(self, run, conn):
        try:
            await run()
        finally:
            await close_quietly(conn)

    # `util` is the package `project/util/`, not the module `project/util.py` beside it.
    # OK
    async def stop_util(self, run, conn):
        try:
            await run()
        finally:
            await util.stop(conn)

    # Its decorator takes a lock before the shielded body: still a cleanup.
    # Error
    async def release(self, run, conn):
        try:
            await run()
        finally:
            await release_conn(conn)

    # An `async for` in a comprehension checkpoints.
    # Error
    async def drain(self, run, receive, out):
        try:
            await run()
        finally:
            out.extend(await drain_list(receive))

    # A name that says it is not shielded.
    # Error
    async def close_plain(self, run, conn):
        try:
            await run()
        finally:
            await _unshielded_close(conn)

    # Bound again to a wrapper that sleeps first (`close_retrying = retry(close_retrying)`).
    # Error
    async def close_again(self, run, conn):
        try:
            await run()
        finally:
            await close_retrying(conn)

    # The outermost decorator shields the whole call, the lock the inner one takes included.
    # OK
    async def release_shielded(self, run, conn):
        try:
            await run()
        finally:
            await release_in_order(conn)

    # The lock is taken outside the shield.
    # Error
    async def release_locked(self, run, conn):
        try:
            await run()
        finally:
            await release_after_lock(conn)
