"""Today's harmful rewrite (cancelsafe before test paths were recognised): a "safe" re-raise in the helper."""
import asyncio

log: list = []


async def stubborn_child(started: asyncio.Event) -> None:
    started.set()
    try:
        await asyncio.sleep(3600)
    except asyncio.CancelledError:
        log.append("ignored the cancel")
        raise


async def check_runner_sees_a_child_that_ignores_cancel() -> None:
    started = asyncio.Event()
    task = asyncio.create_task(stubborn_child(started))
    await started.wait()
    task.cancel()
    await asyncio.wait({task})
    assert not task.cancelled(), "the child was meant to ignore its cancel"
    assert log == ["ignored the cancel"], log
