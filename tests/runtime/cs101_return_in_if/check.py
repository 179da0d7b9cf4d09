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
class Conn:
    def __init__(self, in_transaction=False, notify_peer=False, request=None, error=None):
        self.in_transaction = in_transaction
        self.notify_peer = notify_peer
        self.request = request
        self.error = error
        self.sent = []
        self.rolled_back = False
        self.receiving = False

    async def recv(self):
        self.receiving = True
        await asyncio.sleep(0)
        if self.error is not None:
            raise self.error
        if self.request is None:
            await asyncio.sleep(3600)
        return self.request

    def send(self, data):
        self.sent.append(data)

    def rollback(self):
        self.rolled_back = True


async def scenario(mod):
    # Non-cancel paths unchanged.
    mod.log.clear()
    conn = Conn(request=b"GET")
    result = await ends_normally(asyncio.create_task(mod.handle(conn)), "handle() of a request")
    expect(result is None and conn.sent == [b"OK GET"] and mod.log == ["handled"], f"non-cancel path changed: {conn.sent} {mod.log}")
    mod.log.clear()
    conn = Conn(error=EOFError("closed"))
    await ends_raising(asyncio.create_task(mod.handle(conn)), EOFError, "handle() when recv fails")
    expect(conn.sent == [] and mod.log == [], f"error path changed: {conn.sent} {mod.log}")

    # Cancel path through each `return` of the handler.
    cases = [
        (dict(in_transaction=True, notify_peer=True), ["rolled back"], [b"ABORTED"], True),
        (dict(in_transaction=True, notify_peer=False), ["rolled back"], [], True),
        (dict(in_transaction=False), ["cancelled while idle"], [], False),
    ]
    for kwargs, want_log, want_sent, want_rollback in cases:
        mod.log.clear()
        conn = Conn(**kwargs)
        task = asyncio.create_task(mod.handle(conn))
        await settle("handler waiting in recv", lambda: conn.receiving)
        await asyncio.sleep(0)
        task.cancel()
        await ends_cancelled(task, f"handle() cancelled in recv with {kwargs}")
        expect(mod.log == want_log and conn.sent == want_sent and conn.rolled_back == want_rollback,
               f"handler's own code did not run on cancel with {kwargs}: log={mod.log} sent={conn.sent} rolled_back={conn.rolled_back}")


if __name__ == "__main__":
    main()
