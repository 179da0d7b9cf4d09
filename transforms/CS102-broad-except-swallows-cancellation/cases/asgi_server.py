"""An ASGI request cycle in the uvicorn style: on any failure the server logs, sends a 500
(or closes the transport if the response already started), and only then may re-raise."""

import asyncio
import logging

logger = logging.getLogger("server")


class RequestCycle:
    def __init__(self, scope, transport: asyncio.Transport) -> None:
        self.scope = scope
        self.transport = transport
        self.response_started = False

    async def send_500_response(self) -> None:
        self.transport.write(b"HTTP/1.1 500 Internal Server Error\r\ncontent-length: 0\r\n\r\n")

    async def receive(self):
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(self, message) -> None:
        self.response_started = True

    # The guard goes at the end of the handler, after the 500 / close. An
    # `except CancelledError: raise` inserted before this handler would skip both.
    # Error
    async def run_asgi(self, app) -> None:
        try:
            result = await app(self.scope, self.receive, self.send)
        except BaseException as exc:
            logger.error("Exception in ASGI application", exc_info=exc)
            if not self.response_started:
                await self.send_500_response()
            else:
                self.transport.close()
        else:
            if result is not None:
                logger.error("ASGI callable returned without completing response.")
                self.transport.close()

    # Already fixed: the handler's own code runs, then a cancel is re-raised.
    # OK
    async def run_asgi_reraising(self, app) -> None:
        try:
            await app(self.scope, self.receive, self.send)
        except BaseException as exc:
            logger.error("Exception in ASGI application", exc_info=exc)
            if not self.response_started:
                await self.send_500_response()
            else:
                self.transport.close()
            if isinstance(exc, asyncio.CancelledError):
                raise


# A lifespan runner in the same server.
# Error
async def run_lifespan(app, scope, receive, send, state: dict) -> None:
    try:
        await app(scope, receive, send)
    except BaseException as exc:
        state["error"] = exc
        logger.info("ASGI 'lifespan' protocol appears unsupported.")
