"""Swallows that are deliberate: the fix is offered as unsafe only, and says why."""

import asyncio
import logging

logger = logging.getLogger(__name__)


# A request that cancels its own task when its deadline passes, and turns that into `None`.
# Error
async def call_with_deadline(call, seconds: float):
    task = asyncio.current_task()
    timer = asyncio.get_running_loop().call_later(seconds, task.cancel)
    try:
        return await call()
    except asyncio.CancelledError:
        return None
    finally:
        timer.cancel()


class Stream:
    def __init__(self, source) -> None:
        self._source = source
        self._reader = None

    # The task keeps its own handle so that `interrupt()` can stop the current read.
    # Error
    async def read_until_interrupted(self, sink) -> None:
        self._reader = asyncio.current_task()
        try:
            async for chunk in self._source:
                sink(chunk)
        except asyncio.CancelledError:
            logger.info("read interrupted")

    def interrupt(self) -> None:
        if self._reader is not None:
            self._reader.cancel()


async def serve_forever(server) -> None:
    await server.start()
    # Awaited by `main`: on Ctrl-C this swallow is how the program ends without a traceback.
    # Error
    try:
        await server.wait_closed()
    except asyncio.CancelledError:
        logger.info("shutting down")


# The coroutine `asyncio.run()` runs: Ctrl-C cancels it, and the swallow ends it quietly.
# Error
async def main() -> None:
    server = await open_server()
    try:
        await serve_forever(server)
    except asyncio.CancelledError:
        print("bye")


async def open_server():
    return object()


if __name__ == "__main__":
    asyncio.run(main())


# `asyncio.Runner().run(...)` runs its coroutine the same way.
# Error
async def serve_once(server) -> None:
    try:
        await server.serve()
    except asyncio.CancelledError:
        pass


def run_with_runner(server) -> None:
    with asyncio.Runner() as runner:
        runner.run(serve_once(server))
