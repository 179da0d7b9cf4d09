"""Tests of a task runner (pytest style): a helper child swallows its cancel on purpose.

The rewrite puts this file at tests/test_runner.py: test code by its path. The helper is not a
test function itself, yet the test relies on its swallow; today's harmful "safe" fix re-raises
there and breaks the test. In test code no fix is safe: --write leaves it.
"""
import asyncio

log: list = []


async def stubborn_child(started: asyncio.Event) -> None:
    started.set()
    try:
        await asyncio.sleep(3600)
    except asyncio.CancelledError:
        log.append("ignored the cancel")


async def check_runner_sees_a_child_that_ignores_cancel() -> None:
    started = asyncio.Event()
    task = asyncio.create_task(stubborn_child(started))
    await started.wait()
    task.cancel()
    await asyncio.wait({task})
    assert not task.cancelled(), "the child was meant to ignore its cancel"
    assert log == ["ignored the cancel"], log
