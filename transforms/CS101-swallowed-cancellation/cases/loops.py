"""Stream pumps and retry loops: `break`, `continue` and falling off the end in a loop."""

import asyncio
import logging

logger = logging.getLogger("pump")


# `break` with nothing after the loop: safe.
# Error
async def pump(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
    while True:
        try:
            chunk = await src.read(65536)
        except asyncio.CancelledError:
            break
        if not chunk:
            break
        dst.write(chunk)


# `break` followed by cleanup and a result after the loop: unsafe.
# Error
async def tail_log(proc: asyncio.subprocess.Process, lines: list[str]) -> int:
    while True:
        try:
            line = await proc.stdout.readline()
        except asyncio.CancelledError:
            logger.info("tail cancelled")
            break
        lines.append(line.decode())
    proc.terminate()
    return len(lines)


# `continue` keeps a reconnect loop going: unsafe (the fix stops the loop).
# Error
async def keep_streaming(open_stream, handle) -> None:
    while True:
        try:
            stream = await open_stream()
            async for event in stream:
                handle(event)
        except asyncio.CancelledError:
            logger.warning("stream interrupted, reconnecting")
            continue
        except ConnectionError:
            await asyncio.sleep(1)


# A retry-forever loop: the handler falls off the end inside `while True`: unsafe.
# Error
async def supervise(start_worker, backoff: float = 0.5) -> None:
    while True:
        try:
            await start_worker()
        except asyncio.CancelledError:
            logger.error("worker cancelled; restarting")
        await asyncio.sleep(backoff)


# `return` inside a loop leaves the function: safe.
# Error
async def wait_for_leader(cluster) -> None:
    for node in cluster.nodes:
        try:
            if await node.is_leader():
                cluster.leader = node
                break
        except asyncio.CancelledError:
            logger.info("leader election aborted at %s", node)
            return


# Re-raises; `continue` belongs to the other handler.
# OK
async def keep_streaming_reraising(open_stream, handle) -> None:
    while True:
        try:
            stream = await open_stream()
            async for event in stream:
                handle(event)
        except asyncio.CancelledError:
            logger.warning("stream cancelled")
            raise
        except ConnectionError:
            continue
