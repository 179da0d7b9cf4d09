"""A connection pool whose module keeps its logger under the name `logging`
(`logging = logging.getLogger(__name__)`), a habit of some codebases.

CS301: `finally: await conn.close()` is cut short by a second cancel, and a close that hangs
keeps the cancelled task from ending. The fix's helper logs a warning when it cuts a cleanup
off; under the module's own `logging` (a Logger, which has no `getLogger`) that warning would
raise AttributeError and the task would end with it. The helper must import the logging module
under a name of its own.
"""
import asyncio
import logging

logging = logging.getLogger(__name__)


async def serve(conn, requests):
    try:
        while True:
            request = await requests.get()
            logging.info("request %s", request)
            conn.handled.append(request)
    finally:
        await conn.close()
