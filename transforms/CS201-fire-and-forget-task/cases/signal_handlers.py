"""A `lambda` whose body is the task call, passed to `add_signal_handler`, `call_soon`,
`call_later` or `call_soon_threadsafe`: the loop drops the lambda's return value, so the task is
dropped too (the seed 003 pattern). The call is wrapped inside the lambda:
`lambda: _track_task(asyncio.create_task(graceful_shutdown()))`."""

import asyncio
import logging
import signal

logger = logging.getLogger("gateway")
stop_event = asyncio.Event()


async def graceful_shutdown() -> None:
    stop_event.set()
    await asyncio.sleep(5)


# The seed 003 registration, for SIGTERM and SIGINT.
# Error
def install_signal_handlers(loop: asyncio.AbstractEventLoop) -> None:
    loop.add_signal_handler(signal.SIGTERM, lambda: asyncio.create_task(graceful_shutdown()))
    loop.add_signal_handler(signal.SIGINT, lambda: asyncio.create_task(graceful_shutdown()))


# `call_soon` with `loop.create_task`, and `call_later` with `asyncio.ensure_future`.
# Error
async def schedule_reconnect(conn, delay: float) -> None:
    loop = asyncio.get_running_loop()
    loop.call_soon(lambda: loop.create_task(conn.close()))
    loop.call_later(delay, lambda: asyncio.ensure_future(conn.connect()))


class Gateway:
    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop

    # From another thread: `call_soon_threadsafe` with a lambda on `self._loop`.
    # Error
    def push_from_thread(self, message) -> None:
        self._loop.call_soon_threadsafe(lambda: self._loop.create_task(self.forward(message)))

    async def forward(self, message) -> None:
        logger.debug("forward %r", message)


# A lambda that does not create a task, a bound method, and a lambda whose body keeps
# the task in a set: no finding.
# OK
def install_quiet_handlers(loop: asyncio.AbstractEventLoop, tasks: set) -> None:
    loop.call_soon(lambda: print("x"))
    loop.add_signal_handler(signal.SIGINT, stop_event.set)
    loop.add_signal_handler(signal.SIGHUP, lambda: tasks.add(asyncio.create_task(graceful_shutdown())))
