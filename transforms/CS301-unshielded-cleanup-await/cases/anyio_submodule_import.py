"""A module that imports only from one of anyio's submodules (`anyio.from_thread`) is written
against anyio all the same: its `__aexit__` is cleanup code under anyio's cancel scopes."""

from anyio.from_thread import start_blocking_portal


class TestApp:
    def __init__(self, app):
        self.app = app

    def run_in_thread(self):
        with start_blocking_portal() as portal:
            portal.call(self.app.start)

    async def __aenter__(self):
        await self.app.start()
        return self.app

    # Error
    async def __aexit__(self, *exc_info):
        await self.app.stop()
