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
class Job:
    """A worker's work, injected by the check (so the tool never rewrites it): runs until
    cancelled, then takes a moment to honour the cancel (flushing), or fails in its cleanup."""

    def __init__(self, fail_in_cleanup=()):
        self.fail_in_cleanup = set(fail_in_cleanup)
        self.running = set()
        self.cleaning = set()

    async def __call__(self, i):
        self.running.add(i)
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            self.cleaning.add(i)
            await asyncio.sleep(0.03)
            if i in self.fail_in_cleanup:
                raise RuntimeError(f"flush {i} failed")
            raise


def cleaned_before_close(mod, n, what):
    """Every worker and the monitor ran its `finally` while the connection was still open, and
    before stop() went on to close it."""
    seen = {(kind, i) for kind, i, _ in mod.log if kind in ("worker", "monitor")}
    missing = [i for i in range(n) if ("worker", i) not in seen] + ([] if ("monitor", None) in seen else ["monitor"])
    expect(not missing, f"{what}: stop() went on before the cleanup of {missing} ran (log: {mod.log})")
    late = [entry for entry in mod.log if entry[0] in ("worker", "monitor") and not entry[2]]
    expect(not late, f"{what}: cleanup ran after the connection was closed: {late}")
    expect(mod.log[-1][0] == "stopped", f"{what}: cleanup ran after stop() had finished: {mod.log}")


async def scenario(mod):
    # (a) Normal path: nobody cancelled the stopper. It returns its value once every child's
    #     cleanup has run.
    mod.log.clear()
    job = Job()
    pool = mod.Pool(job, 3)
    pool.start()
    await settle("workers running", lambda: job.running == {0, 1, 2})
    result = await ends_normally(asyncio.create_task(pool.stop()), "(a) stop()")
    expect(result == 3, f"(a) stop() returned {result!r}, expected 3")
    cleaned_before_close(mod, 3, "(a)")

    # (b) Teardown path: the serving task is cancelled and stops the pool from its `finally`.
    #     It still ends cancelled, after every child's cleanup.
    mod.log.clear()
    job = Job()
    pool = mod.Pool(job, 3)
    ready = asyncio.Event()
    server = asyncio.create_task(mod.serve(pool, ready))
    await settle("server ready", ready.is_set)
    await settle("workers running", lambda: job.running == {0, 1, 2})
    server.cancel()
    await ends_cancelled(server, "(b) the cancelled server")
    cleaned_before_close(mod, 3, "(b)")

    # (c) A cleanup that fails: stop() still returns normally and every other child is awaited.
    mod.log.clear()
    job = Job(fail_in_cleanup={1})
    pool = mod.Pool(job, 3)
    pool.start()
    await settle("workers running", lambda: job.running == {0, 1, 2})
    await ends_normally(asyncio.create_task(pool.stop()), "(c) stop() with a failing cleanup")
    cleaned_before_close(mod, 3, "(c)")

    # (d) The stopper cancelled while it waits for the children: it ends cancelled, promptly.
    mod.log.clear()
    job = Job()
    pool = mod.Pool(job, 2)
    pool.start()
    await settle("workers running", lambda: job.running == {0, 1})
    stopper = asyncio.create_task(pool.stop())
    await settle("children cleaning while stop() waits", lambda: job.cleaning == {0, 1})
    stopper.cancel()
    await ends_cancelled(stopper, "(d) stop() cancelled during its wait")


if __name__ == "__main__":
    main()
