#!/usr/bin/env python3
"""Runtime check for one cancelsafe scenario (see ../README.md; shared helpers in ../harness.py).

Usage: python3 check.py /path/to/subject.py
"""
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from harness import *  # noqa: E402,F403 - fail, expect, settle, finish, ends_*, main, asyncio …

# ---------------------------------------------------------------- scenario ---
class SlowJob:
    """A child's work, injected by the check (so the tool never rewrites it):
    runs until cancelled, then takes a moment to honour the cancel, so that a
    cancel of the task awaiting the child lands during `await child`."""

    def __init__(self, fail_with=None):
        self.fail_with = fail_with
        self.running = False
        self.cleaning = False
        self.finished_cleanup = False

    async def __call__(self, *args):
        self.running = True
        if self.fail_with is not None:
            await asyncio.sleep(0)
            raise self.fail_with
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            self.cleaning = True
            await asyncio.sleep(0.05)  # e.g. flushing; a second cancel cuts it short
            self.finished_cleanup = True
            raise


class Transport:
    closed = False

    def close(self):
        self.closed = True


async def scenario(mod):
    # 1. close() not cancelled: returns normally; the keepalive ends cancelled.
    mod.log.clear()
    ping, tr = SlowJob(), Transport()
    client = mod.Client(tr, ping, 0.001)
    client.start()
    await settle("keepalive pinging", lambda: ping.running)
    result = await ends_normally(asyncio.create_task(client.close()), "close() (nobody cancelled it)")
    expect(result is None and tr.closed and mod.log == ["closing"], f"close() changed: {result!r} closed={tr.closed} {mod.log}")
    expect(client._keepalive_task.cancelled() and ping.finished_cleanup, "the keepalive was not cancelled and awaited")

    # 2. close() cancelled while awaiting the slow-to-cancel keepalive: ends cancelled.
    mod.log.clear()
    ping, tr = SlowJob(), Transport()
    client = mod.Client(tr, ping, 0.001)
    client.start()
    await settle("keepalive pinging", lambda: ping.running)
    closer = asyncio.create_task(client.close())
    await settle("keepalive honouring its cancel while close() awaits it", lambda: ping.cleaning)
    closer.cancel()
    await ends_cancelled(closer, "close() cancelled while awaiting the keepalive")
    expect(client._keepalive_task.cancelled(), "the keepalive did not end cancelled")

    # 3. Non-cancel path: a keepalive that died of an error still makes close() raise it.
    mod.log.clear()
    ping, tr = SlowJob(fail_with=ConnectionResetError("peer reset")), Transport()
    client = mod.Client(tr, ping, 0.001)
    client.start()
    await settle("keepalive crashed", lambda: client._keepalive_task.done())
    await ends_raising(asyncio.create_task(client.close()), ConnectionResetError, "close() after the keepalive crashed")
    expect(tr.closed and mod.log == ["closing"], f"close() error path changed: closed={tr.closed} {mod.log}")


if __name__ == "__main__":
    main()
