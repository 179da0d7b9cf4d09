"""`isinstance` guards of exception classes the module imports from its project, judged where
they are defined (their bases imported in turn): `RealtimeError` derives from RuntimeError
through `ApiError` of another module, so a return under `isinstance(e, RealtimeError)` never
swallows a cancellation. A class derived from BaseException is no such guard."""

import asyncio

from .project_errors.realtime import Hangup, RealtimeError


# OK
async def send_audio(connection, chunk):
    try:
        await connection.send(chunk)
    except BaseException as e:
        if isinstance(e, RealtimeError) and connection.can_reconnect:
            return
        raise


# Error
async def send_call(connection, chunk):
    try:
        await connection.send(chunk)
    except BaseException as e:
        if isinstance(e, Hangup):
            return
        raise
