"""A call wrapper that logs what ended the call and returns None.

CS102: the handler tests `isinstance(exc, CancelledError)`, but only to log; both branches
fall through to `return None`, so the cancel is swallowed. Today's tool took any such test for
a guard and reported nothing.
"""
import asyncio

log: list = []


async def call(func):
    try:
        return await func()
    except BaseException as exc:
        if isinstance(exc, asyncio.CancelledError):
            log.append("call cancelled")
        else:
            log.append(f"call failed: {exc!r}")
        return None
