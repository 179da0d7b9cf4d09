"""`# noqa` on the line of a dropped `create_task` / `ensure_future` call: bare, naming CS201, or
in a list. For a call spread over several lines, the first or the last line counts. A suppressed
call is not wrapped. A noqa naming another rule (ruff's RUF006 included), a prefix of the code,
no code at all, or sitting on a middle line of the call leaves the finding in place."""

import asyncio
import logging

from aiohttp import web

logger = logging.getLogger("notifier")


# Bare `# noqa` on an expression statement.
# OK
async def handle_signup(request: web.Request) -> web.Response:
    user = await request.json()
    asyncio.create_task(send_welcome_mail(user["email"]), name="welcome-mail")  # noqa
    return web.json_response({"ok": True})


# `# noqa: CS201` on `ensure_future`.
# OK
async def on_order_paid(order) -> None:
    asyncio.ensure_future(notify_warehouse(order))  # noqa: CS201
    logger.info("order %s paid", order.id)


# CS201 in a list, on an unused assignment from a loop receiver.
# OK
async def start_sync(loop: asyncio.AbstractEventLoop, storage) -> None:
    sync_task: asyncio.Task = loop.create_task(storage.sync_forever())  # noqa: CS999, CS201
    logger.info("sync started")


# A call spread over several lines: the noqa on its last line counts.
# OK
def on_config_changed(path: str) -> None:
    logger.info("config %s changed, reloading", path)
    asyncio.get_running_loop().create_task(
        reload_config(path),
        name=f"reload:{path}",
    )  # noqa: CS201


# ... and so does one on its first line.
# OK
def schedule_cleanup(interval: float) -> None:
    asyncio.get_event_loop().create_task(  # noqa: CS201
        purge_expired_sessions(interval),
    )


# The body of a signal-handler lambda, on the same line.
# OK
def install_signal_handlers(loop: asyncio.AbstractEventLoop, server) -> None:
    loop.add_signal_handler(15, lambda: asyncio.create_task(server.shutdown()))  # noqa: CS201


# A noqa for another rule (CS301) does not cover CS201.
# Error
async def handle_upload(request: web.Request, storage) -> web.Response:
    blob = await request.read()
    asyncio.create_task(storage.make_thumbnail(request.match_info["key"], blob))  # noqa: CS301
    return web.json_response({"ok": True})


# Nor does ruff's code for the same leak (RUF006, asyncio-dangling-task): only CS codes count.
# Error
def hand_over(main_loop: asyncio.AbstractEventLoop, job) -> None:
    main_loop.create_task(job.run())  # noqa: RUF006


# A prefix of the code is not the code: `CS2` does not cover CS201.
# Error
def prefetch(cache, keys: list[str]) -> None:
    for key in keys:
        _ = asyncio.ensure_future(cache.warm(key))  # noqa: CS2


# `# noqa:` with no code is not a directive.
# Error
async def on_message(message, audit) -> None:
    asyncio.create_task(audit.record(message))  # noqa:
    await message.ack()


# A noqa on a middle line of a multi-line call is on neither the first nor the last line.
# Error
async def broadcast(loop: asyncio.AbstractEventLoop, clients, payload: bytes) -> None:
    for client in clients:
        loop.create_task(
            client.send(payload),  # noqa: CS201
        )


async def send_welcome_mail(email: str) -> None: ...
async def notify_warehouse(order) -> None: ...
async def reload_config(path: str) -> None: ...
async def purge_expired_sessions(interval: float) -> None: ...
