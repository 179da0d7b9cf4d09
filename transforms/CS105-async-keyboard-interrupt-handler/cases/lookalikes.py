"""KeyboardInterrupt handlers that CS105 leaves alone."""

import asyncio
import sys


# The right place: around `asyncio.run()`, in sync code.
# OK
def main(coro):
    try:
        asyncio.run(coro)
    except KeyboardInterrupt:
        print("bye")


# Nothing to run: a Ctrl-C that passes these by skips nothing.
# OK
async def passthrough(app):
    try:
        await app.run()
    except KeyboardInterrupt:
        raise
    except Exception:
        pass


# OK
async def exit_code(app):
    try:
        await app.run()
    except KeyboardInterrupt:
        sys.exit(130)


# OK
async def converted(app):
    try:
        await app.run()
    except KeyboardInterrupt:
        raise SystemExit(1)


# OK
async def ignored(app):
    try:
        await app.run()
    except KeyboardInterrupt:
        pass


# No suspension point: no cancel can arrive in the `try`.
# OK
async def compute(data, report):
    try:
        total = sum(data)
    except KeyboardInterrupt:
        report("interrupted")
        return None
    await asyncio.sleep(0)
    return total


# The cancellation has its own handler, or is caught along already (CS101 and CS102 judge those).
# OK
async def handled(app, log):
    try:
        await app.run()
    except KeyboardInterrupt:
        log("interrupted")
    except asyncio.CancelledError:
        log("cancelled")
        raise


# OK
async def caught_together(app, log):
    try:
        await app.run()
    except (asyncio.CancelledError, KeyboardInterrupt):
        log("stopping")
        raise


# OK
async def broad(app, log):
    try:
        await app.run()
    except BaseException:
        log("stopping")
        raise


# Sync code nested in an async function.
# OK
async def outer(loop):
    def blocking():
        try:
            loop.run_forever()
        except KeyboardInterrupt:
            print("stopped")

    await asyncio.to_thread(blocking)


# `except*` catches exception groups.
# OK
async def grouped(app, log):
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(app.run())
    except* KeyboardInterrupt:
        log("interrupted")
