"""`except KeyboardInterrupt` in async code with cleanup that a Ctrl-C skips."""

import asyncio
import logging
import sys

logger = logging.getLogger("app")


# The entry point's cleanup: it falls off the end.
# Error
async def main(server):
    try:
        await server.serve_forever()
    except KeyboardInterrupt:
        logger.info("interrupted, closing")
        await server.close()
    finally:
        logger.info("bye")


# A value returned on Ctrl-C: a KeyboardInterrupt still returns it, a cancel re-raises.
# Error
async def run_job(job):
    try:
        return await job()
    except KeyboardInterrupt:
        logger.warning("job interrupted")
        return None


# A tuple, an existing name, and a `break` out of the retry loop.
# Error
async def work_loop(worker):
    while True:
        try:
            await worker.run_once()
        except (KeyboardInterrupt, SystemExit) as err:
            logger.warning("stopping: %s", err)
            break
        except Exception:
            logger.exception("retrying")


# A message, then the process exits: a cancel re-raises before `sys.exit`.
# Error
async def cli(app):
    try:
        await app.run()
    except KeyboardInterrupt:
        print("Aborted!", file=sys.stderr)
        sys.exit(130)


# The handler re-raises already: it only has to catch the cancellation too.
# Error
async def save_and_reraise(app):
    try:
        await app.run()
    except KeyboardInterrupt:
        await app.save()
        raise


# An exit inside a nested handler raises the cancellation by name.
# Error
async def nested(app):
    try:
        await app.run()
    except KeyboardInterrupt:
        try:
            await app.save()
        except OSError:
            return
        logger.info("saved")


# A `try` that awaits an existing task: its own CancelledError would run this handler too.
# Error
async def wait_for_worker(worker: asyncio.Task):
    try:
        await worker
    except KeyboardInterrupt:
        logger.info("stopping the worker")
        worker.cancel()


# Test code: unsafe.
# Error
async def test_interrupt(app):
    try:
        await app.run()
    except KeyboardInterrupt:
        app.interrupted = True
