"""Small worker service run with asyncio.run(); Ctrl-C should stop it.

N workers share an asyncio.Semaphore(2).  Each worker loops over units of
work; a cancel inside a unit is logged and the loop `continue`s (CS101,
`continue` in a retry loop: unsafe fix).  So on SIGINT, asyncio.run cancels
main, main's gather cancels the workers, the workers retry, and the process
never exits.
"""
import asyncio

N_WORKERS = 4


async def do_unit(i: int) -> None:
    await asyncio.sleep(0.05)


async def worker(i: int, sem: asyncio.Semaphore) -> None:
    print(f"start {i}", flush=True)
    try:
        while True:
            try:
                async with sem:
                    await do_unit(i)
            except asyncio.CancelledError:
                print(f"worker {i}: unit cancelled, retrying", flush=True)
                continue
    finally:
        print(f"cleanup {i}", flush=True)


async def main() -> None:
    sem = asyncio.Semaphore(2)
    workers = [asyncio.create_task(worker(i, sem)) for i in range(N_WORKERS)]
    await asyncio.sleep(0)  # let every worker start (two of them queue on the semaphore)
    print("ready", flush=True)
    await asyncio.gather(*workers)


if __name__ == "__main__":
    asyncio.run(main())
