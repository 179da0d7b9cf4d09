"""A module written for trio before 0.15 (`trio.hazmat`, `trio.open_cancel_scope`, removed
since): the shielded helper needs `trio.lowlevel.checkpoint_if_cancelled()`, which that trio
lacks, so the leak is reported with no fix rather than one that fails on the project's trio."""

import trio


class Channel:
    def __init__(self, stream):
        self.stream = stream

    @trio.hazmat.enable_ki_protection
    async def send(self, frame):
        with trio.open_cancel_scope(shield=True):
            await self.stream.send_all(frame)

    # Error
    async def open(self, handshake):
        try:
            await self.stream.send_all(handshake)
        except BaseException:
            await self.stream.aclose()
            raise
