# cancelsafe-case: --select CS101,CS102
"""Handler exits the re-raise must not misread: `sys.exit(...)`, an `as` name the handler
rebinds, a bare `return` after the `try`."""

import asyncio
import logging
import sys

logger = logging.getLogger(__name__)


# `sys.exit(...)` in the handler converts the cancellation into SystemExit on purpose: unsafe fix.
# Error
async def serve_forever(server):
    try:
        await server.serve()
    except asyncio.CancelledError:
        sys.exit(3)


# The handler assigns its `as` name before it exits: no fix, with that reason.
# Error
async def relay(source, sink):
    try:
        await sink.send(await source.read())
    except BaseException as error:
        error = RuntimeError(f"relay failed: {error}")
        sink.fail(error)


# Only a bare `return` follows the try: nothing is skipped, safe fix.
# Error
async def drain(queue):
    try:
        while True:
            await queue.get()
    except asyncio.CancelledError:
        pass
    return


# The handler reads its `as` name and assigns other names (and an attribute of it): the name
# is still the caught exception, so the fix tests it: fix given.
# Error
async def forward(source, sink):
    try:
        await sink.send(await source.read())
    except BaseException as error:
        message = f"forward failed: {error}"
        error.note = message
        logger.warning(message)

