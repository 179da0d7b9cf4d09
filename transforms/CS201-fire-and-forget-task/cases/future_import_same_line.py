from __future__ import annotations; import logging
from asyncio import ensure_future

log = logging.getLogger(__name__)


# The added `import asyncio` must stay after the `__future__` import on the first line.
# Error
def start(poller) -> None:
    ensure_future(poller.run())
