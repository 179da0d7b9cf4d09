"""Health probe that reports a cancelled probe as "unhealthy".

CS101: the handler's exit is `return False` (a value: unsafe fix).
"""
import asyncio

log: list[str] = []


async def probe(conn) -> bool:
    try:
        await conn.ping()
    except asyncio.CancelledError:
        log.append("probe cancelled")
        return False
    log.append("probe ok")
    return True
