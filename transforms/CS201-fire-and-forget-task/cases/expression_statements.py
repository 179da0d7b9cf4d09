"""Tasks dropped as expression statements, in async and sync functions and methods, through
every loop-like receiver. Each call is wrapped in `_track_task(...)`, its arguments untouched,
and the helper is inserted once after the imports."""

import asyncio
import logging

from aiohttp import web

logger = logging.getLogger("notifier")


# `asyncio.create_task` with a `name=`: the keyword stays inside the wrapped call.
# Error
async def handle_signup(request: web.Request) -> web.Response:
    user = await request.json()
    asyncio.create_task(send_welcome_mail(user["email"]), name="welcome-mail")
    return web.json_response({"ok": True})


# `asyncio.ensure_future`, twice in one function: both wrapped, one helper.
# Error
async def on_order_paid(order) -> None:
    asyncio.ensure_future(notify_warehouse(order))
    asyncio.ensure_future(notify_customer(order))
    logger.info("order %s paid", order.id)


# A sync callback scheduling work on the running loop.
# Error
def on_config_changed(path: str) -> None:
    logger.info("config %s changed, reloading", path)
    asyncio.get_running_loop().create_task(reload_config(path))


# `asyncio.get_event_loop().create_task` in a sync function.
# Error
def schedule_cleanup() -> None:
    asyncio.get_event_loop().create_task(purge_expired_sessions())


class Notifier:
    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self.loop = loop

    # `self._loop.create_task` in a sync method.
    # Error
    def notify(self, message: str) -> None:
        self._loop.create_task(self._deliver(message))

    # `self.loop.create_task` inside an `if` of an async method.
    # Error
    async def broadcast(self, messages: list[str]) -> None:
        for message in messages:
            if message:
                self.loop.create_task(self._deliver(message))

    async def _deliver(self, message: str) -> None:
        await asyncio.sleep(0)


# Receivers named `main_loop` and `app.event_loop` (names ending in `_loop`).
# Error
def hand_over(app, main_loop: asyncio.AbstractEventLoop, job) -> None:
    main_loop.create_task(job.run())
    app.event_loop.create_task(job.report())


async def send_welcome_mail(email: str) -> None: ...
async def notify_warehouse(order) -> None: ...
async def notify_customer(order) -> None: ...
async def reload_config(path: str) -> None: ...
async def purge_expired_sessions() -> None: ...
