"""A module that opts out of CS201 as a whole: `# cancelsafe: noqa: CS201` on a line of its own
suppresses every CS201 finding in the file, wherever it is. Nothing is wrapped, and no
`_track_task` helper is added."""

import asyncio
import logging

# cancelsafe: noqa: CS201

logger = logging.getLogger("fanout")


# An expression statement.
# OK
async def handle_event(event, subscribers) -> None:
    for subscriber in subscribers:
        asyncio.create_task(subscriber.deliver(event))
    logger.debug("event %s fanned out", event.id)


# An unused assignment from a loop receiver, in a sync function.
# OK
def on_reconnect(loop: asyncio.AbstractEventLoop, client) -> None:
    resync = loop.create_task(client.resync())


# `ensure_future` of a fresh call, in a method.
# OK
class Fanout:
    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop

    def publish(self, topic: str, payload: bytes) -> None:
        asyncio.ensure_future(self._send(topic, payload))
        self._loop.create_task(self._log(topic))

    async def _send(self, topic: str, payload: bytes) -> None:
        await asyncio.sleep(0)

    async def _log(self, topic: str) -> None:
        logger.info("published to %s", topic)


# A lambda handed to the loop, and a call spread over several lines.
# OK
def install(loop: asyncio.AbstractEventLoop, server) -> None:
    loop.add_signal_handler(15, lambda: asyncio.create_task(server.shutdown()))
    asyncio.get_running_loop().create_task(
        server.serve_forever(),
        name="serve",
    )
