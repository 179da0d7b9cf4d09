"""A module that imports names from asyncio but not asyncio itself: the fix needs
`asyncio.current_task()` and adds `import asyncio` once, after the docstring."""

from asyncio import CancelledError, Task, create_task


class Sampler:
    def __init__(self, probe) -> None:
        self._probe = probe
        self._task: Task = create_task(self._sample())
        self.samples: list[float] = []

    async def _sample(self) -> None:
        while True:
            self.samples.append(await self._probe())

    # Error
    async def stop(self) -> None:
        self._task.cancel()
        try:
            await self._task
        except CancelledError:
            pass


# A second finding in the same module: still one `import asyncio`.
# Error
async def stop_all(samplers: list[Sampler]) -> None:
    for sampler in samplers:
        sampler._task.cancel()
        try:
            await sampler._task
        except CancelledError:
            continue
