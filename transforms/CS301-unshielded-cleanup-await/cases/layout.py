"""Lines the protected block nests one level deeper are laid out as black lays them out
there: a cleanup await that no longer fits in 88 columns is split at its brackets, and
so is a line of the block's own code the deeper level pushes past 88 columns (only the
blanks between its tokens change). Lines the block does not hold keep their text."""

import asyncio
import logging

logger = logging.getLogger(__name__)


# Error
async def upload(client, bucket, key, size) -> None:
    try:
        await client.put(bucket, key, size)
    finally:
        await client.abort_multipart_upload(bucket=bucket, key=key, id=client.upload)
        logger.info("closing the upload of %s to %s after %d bytes", key, bucket, size)
        logger.debug("flushing %s to %s", key, bucket)  # the comment stays on its line
        result = await client.flush(bucket, timeout=client.settings.flush_timeout)
        logger.debug("flushed %s for %s", result, key)  # after the block: text kept


# Error
async def release(pool, connection) -> None:
    try:
        await connection.execute("select 1")
    finally:
        await pool.release(connection, discard=connection.is_closed() or connection.bad)


# Error
async def drain(queue, workers) -> None:
    try:
        await queue.join()
    finally:
        await asyncio.gather(*(worker.stop_accepting_jobs(queue) for worker in workers))
        if queue.unfinished_jobs_remaining() > 0 and logger.isEnabledFor(logging.INFO):
            logger.info("%d jobs left unfinished", queue.unfinished_jobs_remaining())
        await queue.close()
