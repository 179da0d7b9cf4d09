# cancelsafe-case: --select CS101,CS102
"""Readers of a task's outcome: a re-raise makes the task end cancelled, and a read of its
result that does not expect that raises CancelledError where it got a value."""

import asyncio


# Its task's result is read in `collect()` with nothing that expects a cancelled task: unsafe
# fix, naming that read.
# Error
async def fetch(client, url):
    try:
        return await client.get(url)
    except asyncio.CancelledError:
        return None


async def collect(client, urls):
    tasks = [asyncio.create_task(fetch(client, url)) for url in urls]
    done, _ = await asyncio.wait(tasks)
    results = []
    for task in done:
        results.append(task.result())
    return results


# Its reader checks `task.cancelled()` first: safe fix.
# Error
async def probe(client, host):
    try:
        await client.ping(host)
    except asyncio.CancelledError:
        pass


async def probe_all(client, hosts):
    tasks = {asyncio.create_task(probe(client, host)) for host in hosts}
    done, _ = await asyncio.wait(tasks)
    for task in done:
        if task.cancelled():
            continue
        task.result()


# Its reader catches CancelledError around the read: safe fix.
# Error
async def poll(client):
    try:
        while True:
            await client.poll()
    except asyncio.CancelledError:
        pass


async def poll_once(client):
    task = asyncio.create_task(poll(client))
    await asyncio.sleep(1)
    task.cancel()
    await asyncio.wait([task])
    try:
        task.result()
    except asyncio.CancelledError:
        pass


# Its task is awaited, not read: `await task` inside a try that catches CancelledError is the
# caller expecting the cancel: safe fix.
# Error
async def listen(client):
    try:
        await client.listen()
    except asyncio.CancelledError:
        pass


async def run_listener(client):
    task = asyncio.create_task(listen(client))
    try:
        await task
    except asyncio.CancelledError:
        pass


# The result read is of a task running another coroutine: safe fix.
# Error
async def heartbeat(client):
    try:
        await client.beat()
    except asyncio.CancelledError:
        pass


async def compute(x):
    await asyncio.sleep(0)
    return x * 2


async def heartbeat_and_compute(client):
    asyncio.create_task(heartbeat(client))
    task = asyncio.create_task(compute(3))
    await asyncio.wait([task])
    return task.result()


# A `.result()` of something that is no task (a concurrent future): safe fix.
# Error
async def render(loop, pool, page):
    try:
        await page.render()
    except asyncio.CancelledError:
        pass


def render_sync(pool, job):
    future = pool.submit(job)
    return future.result()


# Its results are read in a comprehension over the `done` set: unsafe fix, naming that read.
# Error
async def lookup(resolver, name):
    try:
        return await resolver.resolve(name)
    except asyncio.CancelledError:
        return None


async def lookup_all(resolver, names):
    tasks = [asyncio.create_task(lookup(resolver, name)) for name in names]
    done, _ = await asyncio.wait(tasks)
    return [task.result() for task in done]


# Its done callback reads the task's exception unchecked: unsafe fix, naming that read.
# Error
async def upload(store, blob):
    try:
        await store.put(blob)
    except asyncio.CancelledError:
        pass


def _report_upload(task):
    if task.exception() is not None:
        print("upload failed")


def start_upload(store, blob):
    task = asyncio.create_task(upload(store, blob))
    task.add_done_callback(_report_upload)
    return task


class Syncer:
    def __init__(self, store):
        self._store = store
        self._task = None

    # Its done callback checks `cancelled()` before it reads: safe fix.
    # Error
    async def _sync(self):
        try:
            await self._store.sync()
        except asyncio.CancelledError:
            pass

    def start(self):
        self._task = asyncio.create_task(self._sync())
        self._task.add_done_callback(self._on_synced)

    def _on_synced(self, task):
        if task.cancelled():
            return
        task.result()


class Worker:
    def __init__(self, client):
        self._client = client
        self._task = None

    def start(self):
        self._task = asyncio.create_task(self._run())

    def stop(self):
        self._task.cancel()

    async def outcome(self):
        return await self._task

    # `stop()` cancels the task and `outcome()` takes its value: once the task ends cancelled,
    # that await raises where it returned None: unsafe fix, naming the await.
    # Error
    async def _run(self):
        try:
            await self._client.work()
        except asyncio.CancelledError:
            pass


class GuardedWorker:
    def __init__(self, client):
        self._client = client
        self._task = None

    def start(self):
        self._task = asyncio.create_task(self._run())

    def stop(self):
        self._task.cancel()

    async def outcome(self):
        try:
            return await self._task
        except asyncio.CancelledError:
            return None

    # Its value is taken inside a handler that expects the cancel: safe fix.
    # Error
    async def _run(self):
        try:
            await self._client.work()
        except asyncio.CancelledError:
            pass


async def run_and_report(coro):
    task = asyncio.create_task(coro)
    await asyncio.wait([task])
    return task.result()


# Handed to `run_and_report()`, which spawns whatever coroutine it is given and reads its result
# unchecked: unsafe fix, naming that read.
# Error
async def download(client, url):
    try:
        return await client.get(url)
    except asyncio.CancelledError:
        return None


async def download_reported(client, url):
    return await run_and_report(download(client, url))


# Only ever awaited, so it runs in its awaiter's task and is never the task
# `run_and_report()` reads (a mention in a docstring or comment does not count: download_once):
# safe fix.
# Error
async def download_once(client, url):
    try:
        return await client.get(url)
    except asyncio.CancelledError:
        return None


async def download_twice(client, url):
    await download_once(client, url)
    return await download_once(client, url)
