"""A small service run with asyncio.run() that ends quietly on Ctrl-C.

On SIGINT asyncio.run() cancels main(); `serve()`, which main() awaits, swallows that cancel
on purpose, so main() carries on to its clean exit and the process ends with status 0 and no
traceback. A re-raise there (today's harmful "safe" fix) ends Ctrl-C in a KeyboardInterrupt
traceback instead. The swallow is deliberate: the fix is unsafe and --write leaves it.
"""
import asyncio

ticks = 0


async def serve() -> None:
    global ticks
    try:
        while True:
            await asyncio.sleep(0.02)
            ticks += 1
    except asyncio.CancelledError:
        print("stopping", flush=True)


async def main() -> None:
    print("ready", flush=True)
    await serve()
    print(f"clean exit after {ticks} ticks", flush=True)


if __name__ == "__main__":
    asyncio.run(main())
