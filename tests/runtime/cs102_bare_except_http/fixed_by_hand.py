"""HTTP/1.1 request cycle in the style of uvicorn's `run_asgi`.

CS102: a bare `except:` around the application call sends a 500 and closes
the transport -- and also turns the task's cancel into a normal return.
"""
import asyncio

log: list[str] = []


class RequestCycle:
    def __init__(self, app, transport):
        self.app = app
        self.transport = transport
        self.response_started = False

    async def send(self, status: int, body: bytes) -> None:
        self.response_started = True
        head = f"HTTP/1.1 {status} OK\r\ncontent-length: {len(body)}\r\n\r\n"
        self.transport.write(head.encode() + body)

    def send_500_response(self) -> None:
        content = b"Internal Server Error"
        self.transport.write(
            b"HTTP/1.1 500 Internal Server Error\r\n"
            b"content-type: text/plain; charset=utf-8\r\n"
            b"connection: close\r\n"
            b"content-length: %d\r\n\r\n" % len(content) + content
        )

    async def run_asgi(self) -> None:
        try:
            await self.app(self.send)
        except BaseException as exc:
            log.append("Exception in ASGI application")
            if not self.response_started:
                self.send_500_response()
            self.transport.close()
            if isinstance(exc, asyncio.CancelledError):
                raise
        finally:
            log.append("cycle done")
