import anyio


async def stop(conn):
    with anyio.CancelScope(shield=True):
        await conn.aclose()
