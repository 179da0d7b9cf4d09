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
# design.md's "Bounded shielded cleanup" for cleanup awaited in a handler
# that catches cancellation (`except CancelledError: await tx.rollback();
# raise`), fixed with `--cleanup-timeout 0.5`. A handler runs only on the
# cancel path, so property (b) of the finally form has no counterpart here.

CLEANUP_TIMEOUT = 0.5
ROLLBACK_TIME = 0.1


class Tx:
    """A transaction, injected by the check (so the tool never rewrites it).
    execute() of `hang_on` waits forever, of `fail_on` raises `error`;
    rollback() takes ROLLBACK_TIME, or hangs, or raises `rollback_error`."""

    def __init__(self, hang_on=None, fail_on=None, error=None, hang_rollback=False, rollback_error=None):
        self.hang_on = hang_on
        self.fail_on = fail_on
        self.error = error
        self.hang_rollback = hang_rollback
        self.rollback_error = rollback_error
        self.executed = []
        self.waiting = False
        self.rolling_back = False
        self.rolled_back = False
        self.committed = False

    async def execute(self, op, account, amount):
        await asyncio.sleep(0)
        if op == self.fail_on:
            raise self.error
        if op == self.hang_on:
            self.waiting = True
            await asyncio.sleep(3600)
        self.executed.append(op)

    async def commit(self):
        await asyncio.sleep(0)
        self.committed = True

    async def rollback(self):
        self.rolling_back = True
        if self.hang_rollback:
            await asyncio.Event().wait()  # nobody ever sets it
        await asyncio.sleep(ROLLBACK_TIME)
        if self.rollback_error is not None:
            raise self.rollback_error
        self.rolled_back = True


class Db:
    def __init__(self, tx):
        self.tx = tx

    async def begin(self):
        await asyncio.sleep(0)
        return self.tx


def start(mod, tx):
    return asyncio.create_task(mod.transfer(Db(tx), "alice", "bob", 10))


async def scenario(mod):
    loop = asyncio.get_running_loop()

    # (a) Cancelled during the credit: the handler rolls back; a second cancel
    #     during the rollback must not skip it.
    tx = Tx(hang_on="credit")
    task = start(mod, tx)
    await settle("(a) transfer waiting in the credit", lambda: tx.waiting)
    task.cancel()
    await settle("(a) first cancel: the handler starts the rollback", lambda: tx.rolling_back)
    task.cancel()
    await ends_cancelled(task, "(a) transfer cancelled, then cancelled again during the rollback")
    await settle("(a) second cancel during the rollback: the rollback completes",
                 lambda: tx.rolled_back, bound=1.0)
    expect(not tx.committed, "(a) a cancelled transfer committed")

    # (c) The rollback hangs: abandoned after the cleanup timeout; the task
    #     still ends cancelled.
    tx = Tx(hang_on="credit", hang_rollback=True)
    task = start(mod, tx)
    await settle("(c) transfer waiting in the credit", lambda: tx.waiting)
    t0 = loop.time()
    task.cancel()
    await ends_cancelled(task, "(c) transfer cancelled while its rollback hangs")
    elapsed = loop.time() - t0
    expect(CLEANUP_TIMEOUT - 0.1 <= elapsed < 1.5,
           f"(c) transfer cancelled while its rollback hangs: ended cancelled after {elapsed:.2f}s, "
           f"expected about {CLEANUP_TIMEOUT}s (the cleanup timeout)")

    # One cancel, a rollback that takes its time: it completes before the task ends.
    tx = Tx(hang_on="credit")
    task = start(mod, tx)
    await settle("transfer waiting in the credit", lambda: tx.waiting)
    task.cancel()
    await ends_cancelled(task, "transfer cancelled during the credit")
    expect(tx.rolled_back and not tx.committed, f"cancelled transfer: rolled_back={tx.rolled_back} committed={tx.committed}")

    # (d) No cancel: nothing changes.
    tx = Tx()
    result = await ends_normally(start(mod, tx), "(d) transfer, no cancel")
    expect(result == 10, f"(d) transfer returned {result!r}, expected 10")
    expect(tx.executed == ["debit", "credit"] and tx.committed and not tx.rolling_back,
           f"(d) transfer, no cancel: executed={tx.executed} committed={tx.committed} rollback={tx.rolling_back}")

    error = ConnectionResetError("server closed the connection")
    tx = Tx(fail_on="credit", error=error)
    exc = await ends_raising(start(mod, tx), ConnectionResetError, "(d) transfer whose credit fails")
    expect(exc is error, f"(d) transfer whose credit fails: raised {exc!r}, not the driver's own error")
    expect(not tx.rolling_back and not tx.committed, "(d) transfer whose credit fails: the CancelledError handler ran")

    # A rollback that fails on the cancel path: its error replaces the cancel, as before.
    error = OSError("rollback failed: connection lost")
    tx = Tx(hang_on="credit", rollback_error=error)
    task = start(mod, tx)
    await settle("transfer waiting in the credit", lambda: tx.waiting)
    task.cancel()
    exc = await ends_raising(task, OSError, "cancelled transfer whose rollback fails")
    expect(exc is error, f"cancelled transfer whose rollback fails: raised {exc!r}, not the rollback's own OSError")


if __name__ == "__main__":
    main()
