import anyio.lowlevel


async def resync_tracer():
    # One shielded checkpoint: a cancelled scope cannot cut it short.
    await anyio.lowlevel.cancel_shielded_checkpoint()


async def flush_then_resync(conn):
    await conn.flush()
    await resync_tracer()
