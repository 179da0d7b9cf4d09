"""A cleanup whose cancel scope is shielded after it is opened (`scope.shield = True`, as
trio-websocket and tractor do): the cleanup is already protected."""

import trio


# OK
async def close_after(conn):
    try:
        await conn.serve()
    finally:
        with trio.move_on_after(0.5) as scope:
            scope.shield = True
            await conn.aclose()


# The shield is set only after the first checkpoint: the close before it is not protected.
# Error
async def close_then_shield(conn):
    try:
        await conn.serve()
    finally:
        with trio.move_on_after(0.5) as scope:
            await conn.aclose()
            scope.shield = True
            await conn.flush()
