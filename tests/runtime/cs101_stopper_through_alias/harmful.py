"""Today's harmful rewrite (cancelsafe before stoppers behind an alias and behind
wait_for(shield(...)) were found): the keep-alives re-raise, join() is left as it was.

Two heartbeat links whose keep-alive task is cancelled by close() and waited for by join(),
which a supervisor runs while another task closes the link.

`Link` starts the task into a local first and keeps it once it is running
(`self._keep_alive = task`); `ShieldedLink` keeps it at once, and join() waits through
`asyncio.wait_for(asyncio.shield(...), None)` so that a cancelled join() leaves the link alone.

CS101: the keep-alive swallows its cancel, so join() returns quietly after close(). Fixing the
keep-alive alone makes join() raise CancelledError into a supervisor nobody cancelled: the fix
is unsafe and names join(), whose own fix (CS104, in another method than the cancel) is unsafe
too; --write applies neither, --unsafe-fixes applies both.
"""
import asyncio

log: list = []


class Link:
    def __init__(self, beat):
        self._beat = beat
        self._keep_alive = None

    async def start(self):
        task = asyncio.create_task(self._run())
        await asyncio.sleep(0)
        self._keep_alive = task

    async def _run(self):
        cancels_before = asyncio.current_task().cancelling()
        try:
            while True:
                await self._beat()
        except asyncio.CancelledError:
            log.append("link stopped")
            if asyncio.current_task().cancelling() > cancels_before:
                raise
            return

    async def close(self):
        self._keep_alive.cancel()
        try:
            await self._keep_alive
        except asyncio.CancelledError:
            pass

    async def join(self):
        await self._keep_alive
        log.append("joined")


class ShieldedLink:
    def __init__(self, beat):
        self._beat = beat
        self._keep_alive = None

    async def start(self):
        self._keep_alive = asyncio.create_task(self._run())

    async def _run(self):
        cancels_before = asyncio.current_task().cancelling()
        try:
            while True:
                await self._beat()
        except asyncio.CancelledError:
            log.append("shielded link stopped")
            if asyncio.current_task().cancelling() > cancels_before:
                raise
            return

    async def close(self):
        self._keep_alive.cancel()
        try:
            await self._keep_alive
        except asyncio.CancelledError:
            pass

    async def join(self):
        await asyncio.wait_for(asyncio.shield(self._keep_alive), timeout=None)
        log.append("joined")
