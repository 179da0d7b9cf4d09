"""Service run with asyncio.run() whose main() saves its state on Ctrl-C.

main() catches KeyboardInterrupt around its serving loop to flush the state
(CS105).  Under asyncio.run() a Ctrl-C cancels the main task instead: the
`except KeyboardInterrupt` never runs, "state saved" is never printed, and
the work since the last save is lost.  The script's own
`except KeyboardInterrupt` around asyncio.run() keeps the exit quiet.
"""
import asyncio


class State:
    def __init__(self) -> None:
        self.units = 0
        self.saved = 0

    async def flush(self) -> None:
        await asyncio.sleep(0.05)  # writing it out
        self.saved = self.units


async def serve(state: State) -> None:
    while True:
        await asyncio.sleep(0.02)  # one unit of work
        state.units += 1


async def main() -> None:
    state = State()
    print("ready", flush=True)
    try:
        await serve(state)
    except KeyboardInterrupt:
        await state.flush()
        print(f"state saved ({state.saved} units)", flush=True)


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        print("interrupted", flush=True)
