# cancelsafe-case: --target-version py38
"""On a py38 target the helper's set has no annotation (`_background_tasks = set()`):
`set[asyncio.Task]` fails at import time before 3.9. The wraps are the same as on py311."""

import asyncio
import logging
from typing import List

logger = logging.getLogger("relay")


class Relay:
    def __init__(self, loop: asyncio.AbstractEventLoop, peers: List[str]) -> None:
        self._loop = loop
        self._peers = peers

    # `self._loop.create_task` with a `name=` (3.8+).
    # Error
    def relay(self, payload: bytes) -> None:
        for peer in self._peers:
            self._loop.create_task(self._send(peer, payload), name="relay-" + peer)

    # `asyncio.ensure_future` assigned to an unused name: the target is kept.
    # Error
    async def ping_all(self) -> None:
        pong = asyncio.ensure_future(self._ping())
        logger.debug("pinging %d peers", len(self._peers))

    async def _send(self, peer: str, payload: bytes) -> None:
        await asyncio.sleep(0)

    async def _ping(self) -> None:
        await asyncio.sleep(0)


# OK
async def main() -> None:
    relay = Relay(asyncio.get_running_loop(), ["a", "b"])
    await relay.ping_all()


# A dropped task at module level, inside the `__main__` guard.
# Error
if __name__ == "__main__":
    loop = asyncio.get_event_loop()
    loop.create_task(main())
    loop.run_forever()
