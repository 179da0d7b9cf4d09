"""Sync code cannot await: reported, with no fix."""

import asyncio
import signal


class Service:
    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._task = loop.create_task(self.serve())
        loop.add_signal_handler(signal.SIGTERM, self.on_sigterm)

    async def serve(self) -> None:
        async with self._lock:  # work with cleanup: the lock is released on cancel
            await asyncio.sleep(3600)

    # A signal handler registered with `add_signal_handler` runs as a plain callback.
    # Error
    def on_sigterm(self) -> None:
        self._task.cancel()

    # Error
    def __del__(self) -> None:
        self._task.cancel()


class Reconnector:
    def __init__(self) -> None:
        self._attempt: asyncio.Task | None = None

    async def _connect(self) -> None:
        async with self._lock:  # work with cleanup: the lock is released on cancel
            await asyncio.sleep(1)

    # A protocol callback restarting the attempt: the old one still runs its cleanup later.
    # Error
    def connection_lost(self, exc) -> None:
        if self._attempt is not None:
            self._attempt.cancel()
        self._attempt = asyncio.ensure_future(self._connect())
