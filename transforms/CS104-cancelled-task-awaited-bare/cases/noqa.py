"""`# noqa` on the bare `await` of a just-cancelled task, where CS104 reports: bare, naming
CS104, or in a list, and on the last line of an await spread over several lines. A suppressed
await is not wrapped. A noqa naming another rule, a prefix of the code, no code at all, or
sitting on the `cancel()` line instead leaves the finding in place."""

import asyncio
import logging

logger = logging.getLogger("service")


class MetricsReporter:
    def __init__(self, client, interval: float = 30.0) -> None:
        self._client = client
        self._interval = interval
        self._task: asyncio.Task | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._report_loop())

    async def _report_loop(self) -> None:
        while True:
            await self._client.push()
            await asyncio.sleep(self._interval)

    # Bare `# noqa` on the await.
    # OK
    async def stop(self) -> None:
        self._task.cancel()
        await self._task  # noqa

    # `# noqa: CS104`.
    # OK
    async def close(self) -> None:
        self._task.cancel()
        await self._task  # noqa: CS104
        self._task = None
        await self._client.aclose()

    # CS104 in a list.
    # OK
    async def restart(self) -> None:
        if not self._task.done():
            self._task.cancel()
        await self._task  # noqa: CS999, CS104
        self.start()


# `wait_for` spread over several lines: the noqa on its last line counts.
# OK
async def stop_probe(probe: asyncio.Task, grace: float) -> None:
    probe.cancel()
    await asyncio.wait_for(
        probe,
        timeout=grace,
    )  # noqa: CS104


# A noqa for another rule (CS103, the same stopper with a handler) does not cover CS104.
# Error
async def stop_spinner(spinner: asyncio.Task) -> None:
    spinner.cancel()
    await asyncio.gather(spinner)  # noqa: CS103
    logger.info("spinner stopped")


# A prefix of the code is not the code: `CS1` does not cover CS104.
# Error
async def shutdown_workers(workers: list[asyncio.Task]) -> None:
    for worker in workers:
        worker.cancel()
    await asyncio.gather(*workers)  # noqa: CS1
    logger.info("%d workers stopped", len(workers))


# `# noqa:` with no code is not a directive.
# Error
async def stop_listener(listener: asyncio.Task) -> None:
    listener.cancel()
    await listener  # noqa:


# The noqa sits on the `cancel()` line, not on the await the finding is on.
# Error
async def stop_flusher(flusher: asyncio.Task) -> None:
    flusher.cancel()  # noqa: CS104
    await flusher
