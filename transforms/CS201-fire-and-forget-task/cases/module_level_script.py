"""A collector script in the pre-`asyncio.run` style: the loop is made at module level and the
main task is dropped by a top-level statement. The module has a docstring and a `__future__`
import: the helper goes after the whole leading import block, never above them."""

from __future__ import annotations

import asyncio
import signal

from collector import Collector, load_settings

settings = load_settings()


# Error
async def main() -> None:
    collector = Collector(settings)
    await collector.connect()
    asyncio.create_task(collector.flush_periodically(), name="flush")
    await collector.run()


# Runs forever, but is held below by a module-level name.
# OK
async def watch_memory(limit: int | None = None) -> None:
    while True:
        await asyncio.sleep(60)


loop = asyncio.get_event_loop()
loop.add_signal_handler(signal.SIGTERM, loop.stop)
# The main task, dropped at module level.
# Error
loop.create_task(main())
# Assigned at module level: the module holds the task, no finding.
# OK
watchdog = loop.create_task(watch_memory())
loop.run_forever()
