"""(cs202_sigterm_service fixed by hand, reference only.) Worker service with its own event loop (run_until_complete, then close), stopped by SIGTERM.

The SIGTERM handler sets an event; main() then calls Service.stop(), which
cancels the workers and returns without awaiting them (CS202).  main()
returns, the loop is closed, and the cancelled workers never run their
cleanup: "Task was destroyed but it is pending!" at exit, and no
"cleanup <i>" lines.
"""
import asyncio
import signal

N_WORKERS = 3


class Service:
    def __init__(self) -> None:
        self.workers: list[asyncio.Task] = []
        self.stopping = asyncio.Event()

    def start(self) -> None:
        self.workers = [asyncio.create_task(self.work(i)) for i in range(N_WORKERS)]

    async def work(self, i: int) -> None:
        print(f"start {i}", flush=True)
        try:
            while True:
                await asyncio.sleep(0.05)  # one unit of work
        finally:
            print(f"cleanup {i}", flush=True)

    async def stop(self) -> None:
        for worker in self.workers:
            worker.cancel()
        await asyncio.gather(*self.workers, return_exceptions=True)
        print("shutdown complete", flush=True)


async def main() -> None:
    service = Service()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, service.stopping.set)
    service.start()
    await asyncio.sleep(0)  # let every worker start
    print("ready", flush=True)
    await service.stopping.wait()
    await service.stop()


if __name__ == "__main__":
    loop = asyncio.new_event_loop()
    try:
        loop.run_until_complete(main())
    finally:
        loop.close()
