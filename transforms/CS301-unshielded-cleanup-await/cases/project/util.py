"""Shadowed by the package `util/` of the same name, which Python imports instead."""


async def stop(conn):
    await conn.aclose()
