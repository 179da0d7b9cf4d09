"""The module already has its own tracking function (`keep`: adds the task to a set and registers
the set's `discard` as a done callback). The new leak is wrapped in `keep(...)`; no second
helper is inserted."""

import asyncio
import json

from aiohttp import web

tasks: set[asyncio.Task] = set()


def keep(task):
    tasks.add(task)
    task.add_done_callback(tasks.discard)


# Already tracked with `keep`.
# OK
async def on_startup(app: web.Application) -> None:
    keep(asyncio.create_task(app["broker"].connect()))


# A new dropped task, in a handler written later by someone who did not know `keep`.
# Error
async def websocket_handler(request: web.Request) -> web.WebSocketResponse:
    ws = web.WebSocketResponse()
    await ws.prepare(request)
    async for msg in ws:
        event = json.loads(msg.data)
        asyncio.create_task(request.app["broker"].publish(event["topic"], event["body"]))
    return ws
