"""The bound a unit gets once its task is cancelled. A cleanup that states its own bound keeps
it, and never gets a shorter one: `wait_for(x, 30)`, `x(timeout=30)`, an
`async with asyncio.timeout(30)` around it, or the code's own `self.stop_timeout` (read when the
unit starts, ignored at run time unless it is a number). Whole-service shutdowns
(`runner.cleanup()`, `server.wait_closed()`, `stop()`, `join()`, `shutdown()`) get
`shutdown-timeout` (60 s by default), not `cleanup-timeout`. A unit gets the largest bound of
its awaits. The code's own timeout still expires on time: it cancels the task, and the unit
passes a cancel made by an expired `asyncio.timeout()` of the cleanup's own on to it."""

import asyncio


# `wait_for` with a literal longer than the default: the unit gets 30.
# Error
async def drain(writer) -> None:
    try:
        await writer.write_all()
    finally:
        await asyncio.wait_for(writer.flush(), 30)


# `wait_for` with the code's own timeout, next to the default.
# Error
class Consumer:
    def __init__(self, client, stop_timeout: float) -> None:
        self._client = client
        self.stop_timeout = stop_timeout

    async def run(self) -> None:
        try:
            await self._client.consume()
        finally:
            await asyncio.wait_for(self._client.close(), timeout=self.stop_timeout)


# A `timeout=` argument of the cleanup call itself, and an `asyncio.timeout` block.
# Error
async def close_all(conn, cache) -> None:
    try:
        await conn.execute("SELECT 1")
    finally:
        await conn.close(timeout=20)
        async with asyncio.timeout(45):
            await cache.flush()


# Whole-service shutdowns: the runner's graceful shutdown and the server's connections.
# Error
async def serve(runner, server) -> None:
    try:
        await server.serve_forever()
    finally:
        server.close()
        await server.wait_closed()
        await runner.cleanup()


# A bound computed inside the unit is not known when the unit starts: the default applies.
# Error
async def stop_worker(worker, settings) -> None:
    try:
        await worker.run()
    finally:
        await worker.flush()
        grace = settings.grace()
        await asyncio.wait_for(worker.shutdown(), grace)


# `gather` of cleanup calls, one per bot, made by a comprehension.
# Error
async def close_sessions(bots) -> None:
    try:
        await asyncio.gather(*(bot.poll() for bot in bots))
    finally:
        await asyncio.gather(*(bot.session.close() for bot in bots))
