"""Task calls CS201 leaves alone: the task is owned by a TaskGroup, kept, awaited, returned,
passed on, tracked already (this module is what the fix produces), or the receiver is not an
event loop. Nothing here is reported."""

import asyncio

_background_tasks: set[asyncio.Task] = set()


def _track_task(task):
    """Keep a reference to `task` until it is done, so it cannot be garbage-collected mid-flight."""
    _background_tasks.add(task)
    task.add_done_callback(_background_tasks.discard)
    return task


async def _cancel_tracked_tasks():
    """Cancel the tracked tasks still running and wait until they are done (call it on shutdown)."""
    current = asyncio.current_task()
    tasks = [task for task in _background_tasks if task is not current and not task.done()]
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


class BackgroundWorker:
    """The tracked-spawner class of seed 003."""

    def __init__(self) -> None:
        self.tasks: set[asyncio.Task] = set()
        self.by_name: dict[str, asyncio.Task] = {}

    # Assigned and read (added to a set, returned).
    # OK
    def create_task(self, coro) -> asyncio.Task:
        task = asyncio.create_task(coro)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
        return task

    # Stored under a key and in an attribute.
    # OK
    def start_named(self, jobs: dict, supervise) -> None:
        for name, job in jobs.items():
            self.by_name[name] = asyncio.ensure_future(job())
        self.supervisor = asyncio.get_running_loop().create_task(supervise(self.by_name))

    # `self.create_task` is not a loop's.
    # OK
    def start(self, jobs) -> None:
        for job in jobs:
            self.create_task(job())


# A TaskGroup owns its tasks, even bound to a name that looks like a loop.
# OK
async def fetch_all(client, urls: list[str]) -> None:
    async with asyncio.TaskGroup() as tg:
        for url in urls:
            tg.create_task(client.get(url))
    async with asyncio.TaskGroup() as task_loop:
        task_loop.create_task(client.close())


# Awaited, gathered, returned, appended, passed on, wrapped already, spawned by a worker.
# OK
async def kept_in_every_way(client, pending: list, loop: asyncio.AbstractEventLoop, worker: BackgroundWorker):
    await asyncio.create_task(client.login())
    await asyncio.gather(asyncio.create_task(client.ping()), loop.create_task(client.ping()))
    pending.append(asyncio.create_task(client.sync()))
    _track_task(asyncio.create_task(client.heartbeat(), name="heartbeat"))
    worker.create_task(client.watch())
    return [asyncio.create_task(client.fetch(i)) for i in range(3)]


# The result is used by a chained call, so it is not dropped as far as CS201 can tell.
# The task is in fact still unreferenced once the statement ends (a known miss).
# OK
def notify_later(client, on_done) -> None:
    asyncio.create_task(client.notify()).add_done_callback(on_done)


# Loop methods that create no task, and a lambda that does not spawn one.
# OK
def run_blocking(main, loop: asyncio.AbstractEventLoop) -> None:
    loop.call_soon(lambda: print("x"))
    loop.run_until_complete(main())
