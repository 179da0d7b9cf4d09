"""The library facts the anyio/trio rules rest on, checked on the installed anyio and trio
(tests/requirements.txt): CS301's reading of checkpoints (src/analysis/checkpoints.rs: memory
streams, an unbounded `asyncio.Queue`'s `put()`, which handlers after the cancellation's own
can still run cancelled: `cleanup_handlers` in src/transforms/cs301_unshielded_cleanup_await.rs)
the
swallow that ends a spawned task (`ends_a_spawned_task` in src/transforms/reraise.rs), and what a
cancelled task group's exception group holds (`is_group_handler`, same file). Each line of output is `CLAIM: ok`; a claim
that no longer holds prints `CLAIM: FAIL: reason` and the script exits 1.

Usage: python checkpoints.py   (the test virtualenv's Python)
"""
import asyncio
import sys

import anyio
import trio

failed = False


def claim(name, holds, reason):
    global failed
    if holds:
        print(f"{name}: ok")
    else:
        failed = True
        print(f"{name}: FAIL: {reason}")


async def closes_in_cancelled_scope(make_streams, scope_class):
    """Close both ends inside an already-cancelled scope; True when the code after ran."""
    send, receive = make_streams()
    reached = False
    with scope_class() as scope:
        scope.cancel()
        await send.aclose()
        await receive.aclose()
        reached = True
    return reached


async def anyio_claims(backend):
    reached = await closes_in_cancelled_scope(lambda: anyio.create_memory_object_stream(1), anyio.CancelScope)
    claim(
        f"anyio memory object stream aclose() has no checkpoint ({backend})",
        reached,
        "aclose() raised the scope's cancellation: it checkpoints, and CS301 must treat it as a cleanup",
    )


async def trio_claims():
    reached = await closes_in_cancelled_scope(lambda: trio.open_memory_channel(1), trio.CancelScope)
    claim(
        "trio memory channel aclose() checkpoints",
        not reached,
        "aclose() ran through a cancelled scope: it no longer checkpoints (CS301 still flags it)",
    )


async def swallowing_child(started):
    """Swallows its cancellation and ends, as `ends_a_spawned_task` allows."""
    try:
        started.set()
        await anyio.sleep_forever()
    except anyio.get_cancelled_exc_class():
        pass


async def spawned_swallow_claims(runner):
    """A task group whose child swallows the cancellation: the group's cancelled scope still
    ends cancelled, and the parent still sees the cancel at its next checkpoint."""
    started = anyio.Event()
    parent_cancelled = False
    with anyio.CancelScope() as outer:
        try:
            async with anyio.create_task_group() as tg:
                tg.start_soon(swallowing_child, started)
                await started.wait()
                outer.cancel()
            await anyio.lowlevel.checkpoint()
        except anyio.get_cancelled_exc_class():
            parent_cancelled = True
            raise
    claim(
        f"a spawned task that swallows the cancellation and ends loses no cancel ({runner})",
        outer.cancelled_caught and parent_cancelled,
        f"scope cancelled_caught={outer.cancelled_caught}, parent saw the cancel={parent_cancelled}: the swallow changed what the parent sees",
    )


async def unbounded_queue_claims():
    """`put()` on an `asyncio.Queue()` made without a maxsize never waits: in a cancelled
    anyio scope (asyncio backend) it still puts, and no cancel lands there."""
    queue = asyncio.Queue()
    with anyio.CancelScope() as scope:
        scope.cancel()
        await queue.put("item")
    claim(
        "an unbounded asyncio.Queue's put() never checkpoints",
        queue.qsize() == 1 and not scope.cancelled_caught,
        f"qsize={queue.qsize()}, cancelled_caught={scope.cancelled_caught}: put() met the cancel",
    )


async def trio_group_claims():
    """A nursery cancelled from outside, in a `try` with `except trio.Cancelled` and then
    `except BaseException`: the group of `Cancelled` passes the first handler."""
    seen = []
    with trio.move_on_after(0.05):
        try:
            async with trio.open_nursery() as nursery:
                nursery.start_soon(trio.sleep_forever)
                await trio.sleep_forever()
        except trio.Cancelled:
            seen.append("cancel handler")
            raise
        except BaseException:
            seen.append("broad handler")
            raise
    claim(
        "a cancelled trio nursery's group passes `except trio.Cancelled` to a later `except BaseException`",
        seen == ["broad handler"],
        f"handlers run: {seen}: CS301 need not treat the later handler as a group handler",
    )


async def group_cancel_part_claims(runner):
    """A task group cancelled from outside while a child fails on the way out: what its group
    holds, and whether the cancelled scope takes the group's cancellation part raised again
    (`raise group.subgroup(cancelled)`, CS102's fix of a group handler)."""
    cancelled = anyio.get_cancelled_exc_class()
    held = []

    async def fails_when_cancelled():
        try:
            await anyio.sleep_forever()
        finally:
            raise ValueError("broke")

    async def serve():
        try:
            async with anyio.create_task_group() as tg:
                tg.start_soon(fails_when_cancelled)
                await anyio.sleep_forever()
        except BaseExceptionGroup as group:
            held.extend(type(error).__name__ for error in group.exceptions)
            if group.subgroup(cancelled) is not None:
                raise group.subgroup(cancelled)

    with anyio.CancelScope() as scope:
        async with anyio.create_task_group() as tg:
            tg.start_soon(serve)
            await anyio.sleep(0.01)
            scope.cancel()
    holds_cancel = cancelled.__name__ in held
    claim(
        f"{runner}: a task group cancelled from outside {'holds' if runner != 'asyncio' else 'leaves out'} the cancellation in its group",
        holds_cancel == (runner != "asyncio") and "ValueError" in held,
        f"the group held {held}: CS102's group handlers (reraise::is_group_handler) assume trio's groups hold the cancel and anyio's asyncio ones do not",
    )
    claim(
        f"{runner}: the cancelled scope takes the group's cancellation part raised again",
        scope.cancelled_caught,
        "the scope did not catch the raised subgroup: CS102's group-handler fix would leak it",
    )


async def asyncio_group_claims():
    """The same with asyncio.TaskGroup: the group leaves its cancelled children out, and the
    cancellation arrives bare."""
    seen = []
    try:
        async with asyncio.timeout(0.05):
            try:
                async with asyncio.TaskGroup() as group:
                    group.create_task(asyncio.sleep(3600))
                    await asyncio.sleep(3600)
            except asyncio.CancelledError:
                seen.append("cancel handler")
                raise
            except BaseException:
                seen.append("broad handler")
                raise
    except TimeoutError:
        pass
    claim(
        "a cancelled asyncio.TaskGroup raises a bare CancelledError: a later `except BaseException` never runs",
        seen == ["cancel handler"],
        f"handlers run: {seen}: CS301 must treat the later handler as a cleanup in asyncio code",
    )


for backend in ("asyncio", "trio"):
    anyio.run(anyio_claims, backend, backend=backend)
    anyio.run(spawned_swallow_claims, backend, backend=backend)
anyio.run(unbounded_queue_claims, backend="asyncio")
trio.run(trio_claims)
trio.run(spawned_swallow_claims, "trio-native")
trio.run(trio_group_claims)
for backend in ("asyncio", "trio"):
    anyio.run(group_cancel_part_claims, backend, backend=backend)
trio.run(group_cancel_part_claims, "trio-native")
asyncio.run(asyncio_group_claims())
sys.exit(1 if failed else 0)
