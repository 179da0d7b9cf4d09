"""A close of the module's own class that has no await (tractor's `BroadcastReceiver.aclose`):
a cancel cannot cut it short, whatever the scope. One that awaits can be."""

import trio


class Receiver:
    def __init__(self, channel):
        self._channel = channel
        self.closed = False

    async def aclose(self):
        self.closed = True


class Sender:
    def __init__(self, stream):
        self._stream = stream

    async def aclose(self):
        await self._stream.aclose()


# OK
async def consume(channel):
    receiver = Receiver(channel)
    try:
        await trio.sleep(1)
    finally:
        await receiver.aclose()


# Error
async def produce(stream):
    sender = Sender(stream)
    try:
        await trio.sleep(1)
    finally:
        await sender.aclose()
