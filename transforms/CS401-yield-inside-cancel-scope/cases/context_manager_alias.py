"""An async generator made a context manager through an alias of `asynccontextmanager`
(`from contextlib import asynccontextmanager as acm`, as tractor does): it yields inside its
nursery on purpose, the consumer's `async with` body is the block the nursery is for."""

from contextlib import asynccontextmanager as acm

import trio


# OK
@acm
async def open_workers():
    async with trio.open_nursery() as nursery:
        yield nursery
