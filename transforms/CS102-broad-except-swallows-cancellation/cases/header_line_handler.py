"""Handlers written on the `except` line (`except: a(); return`): the statements move to lines
of their own before the guard goes in, so the result parses."""

import asyncio


# Error
async def close_and_return(conn) -> None:
    try:
        await conn.read()
    except BaseException: conn.close(); return


# Error
async def close_and_log(conn, log) -> None:
    try:
        await conn.read()
    except: conn.close(); log.append("closed")
