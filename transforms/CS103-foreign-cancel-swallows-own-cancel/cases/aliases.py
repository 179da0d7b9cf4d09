"""`import asyncio as aio`: the snapshot is spelled with the alias."""

import asyncio as aio


class Tailer:
    def __init__(self, reader) -> None:
        self._reader = reader
        self._task = aio.create_task(self._follow())
        self.lines: list[bytes] = []

    async def _follow(self) -> None:
        while line := await self._reader.readline():
            self.lines.append(line)

    # Error
    async def stop(self) -> None:
        self._task.cancel()
        try:
            await self._task
        except aio.CancelledError:
            pass

    # Already guarded.
    # OK
    async def stop_guarded(self) -> None:
        self._task.cancel()
        try:
            await self._task
        except aio.CancelledError:
            if aio.current_task().cancelling():
                raise
