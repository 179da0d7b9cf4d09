"""The module imports asyncio as `aio`: the calls are found under the alias, and the inserted
helper spells everything through it (`set[aio.Task]`, `aio.current_task()`, `aio.gather`); no
second `import asyncio` is added."""

import logging

import asyncio as aio

logger = logging.getLogger("crawler")


class Crawler:
    def __init__(self, session, max_depth: int = 2) -> None:
        self._session = session
        self._max_depth = max_depth
        self._seen: set[str] = set()

    # `aio.create_task` in a loop: each spawned crawl is dropped.
    # Error
    async def crawl(self, url: str, depth: int = 0) -> None:
        self._seen.add(url)
        async with self._session.get(url) as response:
            links = extract_links(await response.text())
        for link in links:
            if link not in self._seen and depth < self._max_depth:
                aio.create_task(self.crawl(link, depth + 1))

    # `aio.ensure_future` and `aio.get_running_loop().create_task`.
    # Error
    async def start(self, seeds: list[str]) -> None:
        for url in seeds:
            aio.ensure_future(self.crawl(url))
        aio.get_running_loop().create_task(self._report())

    # Awaited: no finding.
    # OK
    async def crawl_one(self, url: str) -> None:
        await aio.create_task(self.crawl(url, self._max_depth))

    async def _report(self) -> None:
        while True:
            logger.info("%d pages seen", len(self._seen))
            await aio.sleep(10)


def extract_links(html: str) -> list[str]:
    return [part.split('"')[1] for part in html.split("href=")[1:]]
