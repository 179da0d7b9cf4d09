"""Queue-consumer service stopped by SIGTERM (a container stop, a systemd restart).

main registers `loop.add_signal_handler(SIGTERM, lambda: asyncio.create_task(
graceful_shutdown(...)))`, the pattern of seed 003.  CS201: the task the
lambda creates is dropped.  graceful_shutdown asks the consumers to drain and
waits on an Event that only its own frame holds (drain waiters are kept in a
WeakSet, so that a caller that gives up leaves nothing behind).  The
heartbeat runs gc.collect() between beats, as the allocations of a busy
service trigger the collector at any time: the unreferenced shutdown task
is destroyed mid-flight ("Task was destroyed but it is pending!"), the
service never learns that the drain finished, and SIGTERM hangs it until
the supervisor sends SIGKILL.
"""
import asyncio
import gc
import signal
import weakref

N_CONSUMERS = 3
UNIT = 0.1  # seconds per unit of work
ACK = 0.2  # seconds to acknowledge in-flight messages when draining: several heartbeats
BEAT = 0.02


class Service:
    def __init__(self) -> None:
        self.draining = False
        self.active = 0
        self.drain_waiters: "weakref.WeakSet[asyncio.Event]" = weakref.WeakSet()
        self.stopped = asyncio.Event()
        self.tasks: list[asyncio.Task] = []

    def start(self) -> None:
        self.tasks = [asyncio.create_task(self.consume(i)) for i in range(N_CONSUMERS)]
        self.tasks.append(asyncio.create_task(self.heartbeat()))

    async def consume(self, i: int) -> None:
        self.active += 1
        print(f"start {i}", flush=True)
        while not self.draining:
            await asyncio.sleep(UNIT)  # one unit of work
        await asyncio.sleep(ACK)  # acknowledge the messages in flight before leaving
        print(f"drained {i}", flush=True)
        self.active -= 1
        if self.active == 0:
            for waiter in list(self.drain_waiters):
                waiter.set()

    async def heartbeat(self) -> None:
        while True:
            await asyncio.sleep(BEAT)
            gc.collect()


async def graceful_shutdown(service: Service) -> None:
    print("shutdown requested", flush=True)
    drained = asyncio.Event()
    service.drain_waiters.add(drained)
    service.draining = True
    await drained.wait()
    for task in service.tasks:
        task.cancel()
    await asyncio.gather(*service.tasks, return_exceptions=True)
    print("shutdown complete", flush=True)
    service.stopped.set()


async def main() -> None:
    service = Service()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, lambda: asyncio.create_task(graceful_shutdown(service)))
    service.start()
    await asyncio.sleep(0)  # let every consumer start
    print("ready", flush=True)
    await service.stopped.wait()


if __name__ == "__main__":
    asyncio.run(main())
