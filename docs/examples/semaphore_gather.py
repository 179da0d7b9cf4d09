#!/usr/bin/env python3
"""The runnable example of docs/semaphore-gather.md.

A batch of jobs limited by an asyncio.Semaphore, run three ways: a plain `gather`, a
`TaskGroup`, and tasks the batch owns (created, then cancelled and gathered in `finally`). For
each claim of the page, the script runs the batch, cancels it or lets a job fail, and checks
what every job did. A real Ctrl-C is sent to a subprocess as well (seed 004: test with real
signals, not timeouts).

    python3 docs/examples/semaphore_gather.py     # one line per claim; exit 0 when all hold

Needs Python 3.11+ (TaskGroup).
"""
import asyncio
import os
import signal
import subprocess
import sys
import time

LIMIT = 2  # jobs allowed to run at once
JOBS = 6  # so that four of them wait on the semaphore
WORK = 0.05  # seconds per job


class Jobs:
    """The jobs of one batch, and what each of them did."""

    def __init__(self, fail=None, out=None):
        self.semaphore = asyncio.Semaphore(LIMIT)
        self.fail = fail
        self.out = out
        self.started = []
        self.cleaned = []

    async def job(self, i):
        try:
            async with self.semaphore:
                self.started.append(i)
                if self.out:
                    print(f"start {i}", file=self.out, flush=True)
                await asyncio.sleep(WORK)
                if i == self.fail:
                    raise RuntimeError(f"job {i} failed")
        finally:
            self.cleaned.append(i)
            if self.out:
                print(f"cleanup {i}", file=self.out, flush=True)


# ------------------------------------------------------------ three ways to run a batch ---
async def gathered(jobs):
    """The usual form."""
    await asyncio.gather(*(jobs.job(i) for i in range(JOBS)))


async def in_task_group(jobs):
    """Python 3.11+: the group cancels the rest when one fails and waits for all of them."""
    async with asyncio.TaskGroup() as tg:
        for i in range(JOBS):
            tg.create_task(jobs.job(i))


async def owned(jobs):
    """Any Python: the batch owns its tasks and, however it ends, cancels and awaits them."""
    tasks = [asyncio.create_task(jobs.job(i)) for i in range(JOBS)]
    try:
        await asyncio.gather(*tasks)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


async def as_completed(jobs):
    """Waiting with `asyncio.as_completed` (or `asyncio.wait`) instead of `gather`."""
    for next_done in asyncio.as_completed([jobs.job(i) for i in range(JOBS)]):
        await next_done


# ------------------------------------------------------------------------- the claims ---
failures = []


def claim(text, holds, detail=""):
    print(f"{text}: {'ok' if holds else 'WRONG (' + detail + ')'}")
    if not holds:
        failures.append(text)


async def cancelled_while_jobs_wait(run):
    """Cancel the batch while two jobs run and four wait. Returns the jobs and whether the batch
    ended cancelled."""
    jobs = Jobs()
    batch = asyncio.create_task(run(jobs))
    while len(jobs.started) < LIMIT:
        await asyncio.sleep(0.001)
    batch.cancel()
    done, _ = await asyncio.wait({batch}, timeout=2)
    cancelled = batch in done and batch.cancelled()
    cleaned_when_it_ended = sorted(jobs.cleaned)
    await asyncio.sleep(JOBS * WORK)  # would a waiting job still start?
    return jobs, cancelled, cleaned_when_it_ended


async def one_job_fails(run):
    """Job 0 fails. Returns the jobs, what had been cleaned up when the caller got the error,
    and what had started by then."""
    jobs = Jobs(fail=0)
    try:
        await run(jobs)
    except (RuntimeError, ExceptionGroup):
        pass
    cleaned, started = sorted(jobs.cleaned), list(jobs.started)
    await asyncio.sleep(JOBS * WORK)  # do the other jobs keep going?
    return jobs, cleaned, started


async def claims():
    everyone = list(range(JOBS))
    for name, run in [("gather", gathered), ("TaskGroup", in_task_group), ("owned tasks", owned)]:
        jobs, cancelled, cleaned = await cancelled_while_jobs_wait(run)
        claim(
            f"{name}, cancelled while jobs wait: every job is cancelled, the waiting ones never start, "
            "and every job's finally has run when the batch ends cancelled",
            cancelled and jobs.started == [0, 1] and cleaned == everyone,
            f"ended cancelled: {cancelled}, started {jobs.started}, cleaned {cleaned}",
        )

    jobs, cleaned, started = await one_job_fails(gathered)
    claim(
        "gather, one job fails: the caller gets the error at once, and the other jobs, waiting ones "
        "included, keep starting with nobody awaiting them",
        cleaned != everyone and len(jobs.started) > len(started),
        f"cleaned when the error arrived {cleaned}, started then {started}, started later {jobs.started}",
    )
    for name, run in [("TaskGroup", in_task_group), ("owned tasks", owned)]:
        jobs, cleaned, started = await one_job_fails(run)
        claim(
            f"{name}, one job fails: the others are cancelled, and the caller gets the error after "
            "every job's finally has run; no job starts later",
            cleaned == everyone and jobs.started == started,
            f"cleaned when the error arrived {cleaned}, started then {started}, started later {jobs.started}",
        )

    jobs, cancelled, cleaned = await cancelled_while_jobs_wait(as_completed)
    claim(
        "as_completed, cancelled while jobs wait: nothing is cancelled, and the waiting jobs start later",
        cancelled and sorted(jobs.started) == everyone,
        f"started {sorted(jobs.started)}",
    )


# --------------------------------------------------------------- a real Ctrl-C (SIGINT) ---
async def serve(how):
    jobs = Jobs(out=sys.stdout)
    batch = asyncio.create_task({"gather": gathered, "owned": owned}[how](jobs))
    while len(jobs.started) < LIMIT:
        await asyncio.sleep(0.001)
    print("ready", flush=True)
    await batch


def ctrl_c(how):
    """Runs this script as `--serve HOW` under asyncio.run, presses Ctrl-C (a real SIGINT) once
    two jobs run and four wait, and checks what the jobs printed."""
    child = subprocess.Popen(
        [sys.executable, __file__, "--serve", how],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ, PYTHONUNBUFFERED="1"),
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    lines = []
    deadline = time.monotonic() + 10
    while "ready" not in lines and time.monotonic() < deadline:
        line = child.stdout.readline()
        if not line:
            break
        lines.append(line.strip())
    if "ready" not in lines:
        child.kill()
        claim(f"Ctrl-C ({how})", False, f"no 'ready' line: {lines}, {child.stderr.read()[-200:]!r}")
        return
    child.send_signal(signal.SIGINT)
    try:
        rest, _ = child.communicate(timeout=3)
    except subprocess.TimeoutExpired:
        child.kill()
        claim(f"Ctrl-C ({how})", False, "still running 3 s after SIGINT")
        return
    after = [line for line in rest.splitlines() if line]
    started = {line.split()[1] for line in lines + after if line.startswith("start ")}
    cleaned = {line.split()[1] for line in after if line.startswith("cleanup ")}
    late = [line for line in after if line.startswith("start ")]
    claim(
        f"{how}, a real Ctrl-C while jobs wait: the process exits at once, every started job's finally "
        "runs, and no waiting job starts",
        cleaned >= started and not late and child.returncode != 0,
        f"started {sorted(started)}, cleaned {sorted(cleaned)}, started after Ctrl-C {late}, exit {child.returncode}",
    )


def main():
    if sys.argv[1:2] == ["--serve"]:
        asyncio.run(serve(sys.argv[2]))
        return
    asyncio.run(claims())
    ctrl_c("gather")
    ctrl_c("owned")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
