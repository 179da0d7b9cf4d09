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
# The properties of design.md's "Bounded protected cleanup", for
# `finally: await writer.flush()`, fixed with `--cleanup-timeout 0.5`, for a
# py311 and a py38 target (`args`: one line per variant).
# (b) runs right after (a): seed_snippet.py (the seed guide's suppress form)
# passes (a) and must fail with a "(b)" message.


CLEANUP_TIMEOUT = 0.5
RECORDS = ["r1", "r2", "r3"]
FLUSH_TIME = 0.1


class Sink:
    """The flush's destination, injected by the check (so the tool never rewrites it).
    write_batch takes FLUSH_TIME seconds before the batch lands in `batches`; with
    hang=True it never returns; with poll=True it never returns either, polling with
    `asyncio.sleep(0)` (a bare yield, no future to cut off); with `error` it raises
    that instead of storing."""

    def __init__(self, hang=False, error=None, poll=False):
        self.hang = hang
        self.poll = poll
        self.error = error
        self.batches = []
        self.flushing = False

    async def write_batch(self, batch):
        self.flushing = True
        if self.hang:
            await asyncio.Event().wait()  # nobody ever sets it
        while self.poll:  # a flag nobody ever sets, polled
            await asyncio.sleep(0)
        await asyncio.sleep(FLUSH_TIME)
        if self.error is not None:
            raise self.error
        self.batches.append(list(batch))


class Source:
    """Hands out `records`, then None (the end) if `end`, or raises `error`, or waits forever."""

    def __init__(self, records, end=False, error=None):
        self.records = list(records)
        self.end = end
        self.error = error
        self.waiting = False

    async def get(self):
        await asyncio.sleep(0)
        if self.records:
            return self.records.pop(0)
        if self.end:
            return None
        if self.error is not None:
            raise self.error
        self.waiting = True
        await asyncio.sleep(3600)


def start(mod, sink, **source):
    src = Source(RECORDS, **source)
    return asyncio.create_task(mod.pump(src, sink)), src


async def scenario(mod):
    loop = asyncio.get_running_loop()

    # (a) Cancelled while waiting for records: the finally flushes; a second
    #     cancel during that flush must not skip it.
    sink = Sink()
    task, src = start(mod, sink)
    await settle("(a) pump waiting for more records", lambda: src.waiting)
    task.cancel()
    await settle("(a) first cancel: the finally starts the flush", lambda: sink.flushing)
    task.cancel()
    await ends_cancelled(task, "(a) pump cancelled, then cancelled again during the flush")
    await settle("(a) second cancel during the flush: the buffered records reach the sink",
                 lambda: sink.batches == [RECORDS], bound=1.0)

    # (b) Normal path: the pump returns, the finally flushes, and a cancel
    #     arrives during that flush: it must not be swallowed.
    sink = Sink()
    task, src = start(mod, sink, end=True)
    await settle("(b) normal return reaches the flush", lambda: sink.flushing)
    task.cancel()
    await ends_cancelled(task, "(b) pump cancelled during the flush on the normal path (after `return count`)")
    await settle("(b) cancel during the flush on the normal path: the records reach the sink",
                 lambda: sink.batches == [RECORDS], bound=1.0)

    # (c) The flush hangs: on the cancel path it is cut off after the cleanup
    #     timeout, the task still ends cancelled, and the cut-off is logged. The same
    #     for a flush that polls with `sleep(0)` for good (no future to cut off).
    for how, sink in (("hangs", Sink(hang=True)), ("polls with sleep(0) for good", Sink(poll=True))):
        cut_offs = capture_warnings()
        task, src = start(mod, sink)
        await settle("(c) pump waiting for more records", lambda: src.waiting)
        t0 = loop.time()
        task.cancel()
        await ends_cancelled(task, f"(c) pump cancelled while its flush {how}")
        elapsed = loop.time() - t0
        expect(CLEANUP_TIMEOUT - 0.1 <= elapsed < 1.5,
               f"(c) pump cancelled while its flush {how}: ended cancelled after {elapsed:.2f}s, "
               f"expected about {CLEANUP_TIMEOUT}s (the cleanup timeout)")
        expect(any("flush" in message for message in cut_offs),
               f"(c) the flush that {how} was cut off without a logged warning naming it (logged: {cut_offs})")

    #     With no cancel, nothing changes: a flush that hangs on the normal path
    #     is not cut off (the original waits too). Once the task is cancelled,
    #     the flush gets the cleanup timeout and the task ends cancelled.
    sink = Sink(hang=True)
    task, src = start(mod, sink, end=True)
    await settle("(c) normal return reaches the hanging flush", lambda: sink.flushing)
    await asyncio.sleep(CLEANUP_TIMEOUT + 0.3)
    expect(not task.done(),
           f"(c) pump whose flush hangs, no cancel: ended ({task!r}) although nothing cancelled it "
           f"(a cleanup cut off on the normal path)")
    t0 = loop.time()
    task.cancel()
    await ends_cancelled(task, "(c) pump whose flush hangs on the normal path, then cancelled")
    elapsed = loop.time() - t0
    expect(CLEANUP_TIMEOUT - 0.1 <= elapsed < 1.5,
           f"(c) pump whose flush hangs on the normal path, then cancelled: ended after {elapsed:.2f}s, "
           f"expected about {CLEANUP_TIMEOUT}s (the cleanup timeout, from the cancel)")

    # (d) No cancel: nothing changes.
    sink = Sink()
    t0 = loop.time()
    task, src = start(mod, sink, end=True)
    result = await ends_normally(task, "(d) pump, no cancel")
    elapsed = loop.time() - t0
    expect(result == len(RECORDS), f"(d) pump returned {result!r}, expected {len(RECORDS)}")
    expect(sink.batches == [RECORDS], f"(d) pump, no cancel: sink got {sink.batches}, expected [{RECORDS}]")
    expect(elapsed < CLEANUP_TIMEOUT - 0.1,
           f"(d) pump, no cancel: took {elapsed:.2f}s for a {FLUSH_TIME}s flush (waited for the timeout?)")

    error = OSError(28, "No space left on device")
    sink = Sink(error=error)
    task, src = start(mod, sink, end=True)
    exc = await ends_raising(task, OSError, "(d) pump whose flush fails")
    expect(exc is error, f"(d) pump whose flush fails: raised {exc!r}, not the flush's own OSError")
    expect(sink.batches == [], f"(d) pump whose flush fails: sink got {sink.batches}")

    error = ValueError("bad record")
    sink = Sink()
    task, src = start(mod, sink, error=error)
    exc = await ends_raising(task, ValueError, "(d) pump whose source fails")
    expect(exc is error, f"(d) pump whose source fails: raised {exc!r}, not the source's own ValueError")
    expect(sink.batches == [RECORDS], f"(d) pump whose source fails: the finally flushed {sink.batches}, expected [{RECORDS}]")


if __name__ == "__main__":
    main()
