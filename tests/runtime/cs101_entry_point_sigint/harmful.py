"""Today's harmful rewrite (cancelsafe before entry points were recognised): a "safe" re-raise in serve()."""
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
        raise


async def main() -> None:
    print("ready", flush=True)
    await serve()
    print(f"clean exit after {ticks} ticks", flush=True)


if __name__ == "__main__":
    asyncio.run(main())
