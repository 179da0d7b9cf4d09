"""Poller with the classic cancelled-child idiom in its stopper.

CS103: `self._child.cancel(); try: await self._child; except CancelledError: pass`
swallows the child's CancelledError (fine) but also the stopper's own cancel.
"""
import asyncio

log: list[str] = []


class Poller:
    def __init__(self, poll):
        self._poll = poll
        self._child = None
        self.results = []

    def start(self) -> None:
        self._child = asyncio.create_task(self._run())

    async def _run(self) -> None:
        while True:
            self.results.append(await self._poll())

    async def stop(self) -> None:
        log.append("stopping")
        self._child.cancel()
        try:
            await self._child
        except asyncio.CancelledError:
            pass
