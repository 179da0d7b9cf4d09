"""The library facts CS301's analysis rests on (src/analysis/checkpoints.rs), checked on the
installed anyio and trio (tests/requirements.txt). Each line of output is `CLAIM: ok`; a claim
that no longer holds prints `CLAIM: FAIL: reason` and the script exits 1.

Usage: python checkpoints.py   (the test virtualenv's Python)
"""
import sys

import anyio
import trio

failed = False


def claim(name, holds, reason):
    global failed
    if holds:
        print(f"{name}: ok")
    else:
        failed = True
        print(f"{name}: FAIL: {reason}")


async def closes_in_cancelled_scope(make_streams, scope_class):
    """Close both ends inside an already-cancelled scope; True when the code after ran."""
    send, receive = make_streams()
    reached = False
    with scope_class() as scope:
        scope.cancel()
        await send.aclose()
        await receive.aclose()
        reached = True
    return reached


async def anyio_claims(backend):
    reached = await closes_in_cancelled_scope(lambda: anyio.create_memory_object_stream(1), anyio.CancelScope)
    claim(
        f"anyio memory object stream aclose() has no checkpoint ({backend})",
        reached,
        "aclose() raised the scope's cancellation: it checkpoints, and CS301 must treat it as a cleanup",
    )


async def trio_claims():
    reached = await closes_in_cancelled_scope(lambda: trio.open_memory_channel(1), trio.CancelScope)
    claim(
        "trio memory channel aclose() checkpoints",
        not reached,
        "aclose() ran through a cancelled scope: it no longer checkpoints (CS301 still flags it)",
    )


for backend in ("asyncio", "trio"):
    anyio.run(anyio_claims, backend, backend=backend)
trio.run(trio_claims)
sys.exit(1 if failed else 0)
