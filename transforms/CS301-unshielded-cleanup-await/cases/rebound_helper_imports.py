"""The helper's imports when the module binds their names to something else: here `logging` may
be loguru's logger, which has no `getLogger`. The helper imports the logging module under a
name of its own (`import logging as _logging`), and a rerun finds it there."""

import anyio

try:
    from loguru import logger as logging
except ImportError:
    import logging


# Error
async def close(conn, run):
    try:
        await run()
    finally:
        await conn.aclose()
    logging.info("closed")
