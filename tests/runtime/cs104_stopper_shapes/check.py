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
DELAYS = [0.0, 0.05, 0.15]


def cleaned():
    return sorted(line for line in mod_log() if line.startswith("cleanup"))


def mod_log():
    return MOD.log


async def scenario(mod):
    global MOD
    MOD = mod
    want = [f"cleanup {i}" for i in range(len(DELAYS))]

    # 1. Cancel in one loop, await in a second: stop() returns normally, every worker ended
    #    cancelled after its cleanup.
    mod.log.clear()
    pool = mod.Pool(DELAYS)
    pool.start()
    await asyncio.sleep(0.02)
    await ends_normally(asyncio.create_task(pool.stop_one_by_one()), "stop_one_by_one() (nobody cancelled the stopper)")
    expect(all(t.cancelled() for t in pool._tasks), "a worker did not end cancelled (its swallow is still there)")
    expect(cleaned() == want, f"cleanups: {cleaned()}")

    # 2. `gather` of the cancelled list: when stop_all() returns, no worker is still running.
    mod.log.clear()
    pool = mod.Pool(DELAYS)
    pool.start()
    await asyncio.sleep(0.02)
    await ends_normally(asyncio.create_task(pool.stop_all()), "stop_all() (nobody cancelled the stopper)")
    expect(not pool.running(), f"stop_all() returned with {len(pool.running())} worker(s) still running")
    expect(all(t.cancelled() for t in pool._tasks), "a worker did not end cancelled")
    expect(cleaned() == want and mod.log[-1] == "pool stopped", f"log: {mod.log}")

    # 3. Teardown while the supervisor is itself being cancelled: every worker is finished
    #    before the supervisor ends, and the supervisor ends cancelled.
    mod.log.clear()
    pool = mod.Pool(DELAYS)
    supervisor = asyncio.create_task(mod.supervise(pool, lambda: asyncio.sleep(3600)))
    await asyncio.sleep(0.02)
    supervisor.cancel()
    await ends_cancelled(supervisor, "the supervisor, cancelled, tearing down its pool")
    expect(not pool.running(), f"the supervisor ended with {len(pool.running())} worker(s) still running")
    expect(cleaned() == want, f"cleanups: {cleaned()}")

    # 4. The stopper cancelled while it waits for the slow workers: it ends cancelled.
    mod.log.clear()
    pool = mod.Pool([0.3, 0.3])
    pool.start()
    await asyncio.sleep(0.02)
    stopper = asyncio.create_task(pool.stop_all())
    await asyncio.sleep(0.05)
    stopper.cancel()
    await ends_cancelled(stopper, "stop_all() cancelled while it waits")

    # 5. `wait_for` of one cancelled task: returns normally, the monitor ended cancelled.
    mod.log.clear()
    pool = mod.Pool([0.0])
    pool.start()
    await asyncio.sleep(0.02)
    await ends_normally(asyncio.create_task(pool.stop_monitor()), "stop_monitor() (nobody cancelled the stopper)")
    expect(pool._monitor.cancelled(), "the monitor did not end cancelled")
    await pool.stop_all()


if __name__ == "__main__":
    main()
