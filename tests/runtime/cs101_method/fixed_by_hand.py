"""Echo connection object whose `serve` method swallows its cancel.

CS101 in a method: the handler closes the writer and falls off the end.
"""
import asyncio

log: list[str] = []


class Connection:
    def __init__(self, reader: asyncio.Queue, writer):
        self.reader = reader
        self.writer = writer

    async def serve(self) -> None:
        try:
            while True:
                msg = await self.reader.get()
                if msg is None:
                    log.append("eof")
                    break
                self.writer.write(b"echo " + msg)
        except asyncio.CancelledError:
            log.append("connection cancelled")
            self.writer.close()
            raise
