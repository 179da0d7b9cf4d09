"""Reconnect loop that treats a cancel like any other failed attempt.

CS101: the exit is `continue` in a `while True` retry loop, so a cancelled
task never stops (unsafe fix: it ends the retry loop).
"""
import asyncio

log: list[str] = []


async def connect_forever(connect, delay: float = 0.001):
    attempt = 0
    while True:
        attempt += 1
        try:
            conn = await connect()
        except ConnectionError:
            log.append(f"attempt {attempt} failed")
            await asyncio.sleep(delay)
            continue
        except asyncio.CancelledError:
            log.append(f"attempt {attempt} cancelled, retrying")
            continue
        log.append(f"connected on attempt {attempt}")
        return conn
