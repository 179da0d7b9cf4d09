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
import gc  # noqa: E402
import weakref  # noqa: E402

JOBS = ["job-1", "job-2", "job-3"]


def destroyed_pending(contexts):
    return [c for c in contexts if "Task was destroyed but it is pending" in str(c.get("message", ""))]


async def scenario(mod):
    loop = asyncio.get_running_loop()
    contexts = []  # everything that reaches the loop's exception handler
    loop.set_exception_handler(lambda _loop, context: contexts.append(context))
    mod.log.clear()

    # 1. Submit jobs; each parks on its release event, which nothing but its own frame
    #    (and the weak registry) refers to.
    for job_id in JOBS:
        result = await mod.submit(job_id)
        expect(result == job_id, f"submit({job_id!r}) returned {result!r}")
    await settle("every job waiting on its event", lambda: all(f"{j} waiting" in mod.log for j in JOBS))
    job_tasks = [weakref.ref(t) for t in asyncio.all_tasks() if t.get_coro().cr_code is mod.run_job.__code__]
    expect(len(job_tasks) == len(JOBS), f"expected {len(JOBS)} job tasks, found {len(job_tasks)}")

    # 2. A collection, as any allocation-heavy program triggers at any time.
    gc.collect()
    await asyncio.sleep(0)
    lost = destroyed_pending(contexts)
    if lost:
        fail(f"gc.collect() destroyed {len(lost)} pending job task(s): {lost[0]['message']!r} "
             "(the dropped task had no strong reference)")
    missing = [j for j in JOBS if mod.release_events.get(j) is None]
    expect(not missing, f"the release events of {missing} were collected although their jobs still wait on them")

    # 3. The jobs survived: release them, and each runs to its end.
    for job_id in JOBS:
        mod.release_events[job_id].set()
    await settle("every released job finished", lambda: all(f"{j} done" in mod.log for j in JOBS))
    expect(sorted(mod.log) == sorted([f"{j} waiting" for j in JOBS] + [f"{j} done" for j in JOBS]),
           f"unexpected side effects: {mod.log}")

    # 4. Once done, nothing keeps the job tasks alive (the tracking lets go of finished
    #    tasks) and nothing was reported.
    await asyncio.sleep(0)
    gc.collect()
    kept = [r for r in job_tasks if r() is not None]
    expect(not kept, f"{len(kept)} finished job task(s) are still referenced (the tracking never lets go)")
    expect(not contexts, f"the loop's exception handler saw: {[c.get('message') for c in contexts]}")


if __name__ == "__main__":
    main()
