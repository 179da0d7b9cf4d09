"""Feed pumps and admin commands started as fire-and-forget tasks.

CS201: `asyncio.create_task(pump(...))` and `loop.create_task(command())`
are dropped.  Nothing refers to the pumps, so nothing can stop them on
shutdown: they run until the loop is torn down, and their cleanup runs late
or never.  The fix tracks them in a module-level set and adds a coroutine
that cancels and awaits whatever is still running.
"""
import asyncio

log: list[str] = []


async def pump(feed: str, interval: float = 0.01) -> None:
    log.append(f"start {feed}")
    try:
        while True:
            await asyncio.sleep(interval)
    finally:
        log.append(f"cleanup {feed}")


def start_pumps(feeds: list[str]) -> None:
    for feed in feeds:
        asyncio.create_task(pump(feed), name=f"pump-{feed}")


def run_admin_command(command) -> None:
    """Run `command()` in the background, so the admin endpoint answers at once."""
    loop = asyncio.get_running_loop()
    loop.create_task(command())
