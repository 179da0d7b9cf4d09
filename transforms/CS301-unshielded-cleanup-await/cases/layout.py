"""Lines the protected block nests one level deeper are laid out as black lays them out
there: a cleanup await that no longer fits in 88 columns is split at its brackets, and
so is a statement of the block's own that the extra level pushes past 88 columns (one
already split is joined first). Only the blanks between tokens change."""

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


# Error
async def disconnect(self, socket, warning) -> None:
    try:
        await socket.run()
    finally:
        await socket.close()
        if warning is not None:
            self._logger.warning(
                "%s: disconnected from the server at %s: %s", self.description, warning
            )
        await socket.wait_closed()
