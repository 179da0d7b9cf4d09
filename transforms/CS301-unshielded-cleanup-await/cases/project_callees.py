"""Cleanups that call an `async def` defined in another module of the same project, read there:
one that shields itself (a `cancel_shielded_checkpoint()`, a shielded body, a callee of such a
callee), or a method that never checkpoints, has nothing to protect. The siblings are in
`project/`, reached by relative imports, a re-export of the package's `__init__.py` and a
submodule imported by name. A callee that does checkpoint (itself, or in a method of the
instance a class attribute holds), a name the module binds again, and a module that is not there
are still cleanups."""

import anyio

from .project import resync_tracer, streams
from .project._compat import flush_then_resync
from .project.streams import Channel, Socket, drain as drain_tasks, settle
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
