"""NOT a valid fix: the bounded-shield snippet of seed guide 001, step 4, which
suppresses CancelledError too. `check.py seed_snippet.py` must fail on (b).

Record pump that buffers records and flushes them to a sink in `finally`.

CS301: `finally: await writer.flush()` -- a second cancel during the flush
cuts it short and the buffered records are lost; a flush that hangs keeps
the task from ever ending, even after it was cancelled.
"""
import asyncio
import contextlib


class BufferedWriter:
    def __init__(self, sink):
        self.sink = sink
        self.buffer = []

    def write(self, record):
        self.buffer.append(record)

    async def flush(self):
        if self.buffer:
            batch, self.buffer = self.buffer, []
            await self.sink.write_batch(batch)


async def pump(source, sink):
    """Copy records from `source` to `sink` until `source.get()` gives None; return the count."""
    writer = BufferedWriter(sink)
    count = 0
    try:
        while True:
            record = await source.get()
            if record is None:
                return count
            writer.write(record)
            count += 1
    finally:
        with contextlib.suppress(TimeoutError, asyncio.CancelledError):
            async with asyncio.timeout(0.5):
                await asyncio.shield(writer.flush())
