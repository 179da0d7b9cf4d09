"""A command server. Each command runs as a task; transfers run through the `transfer`
decorator, which turns an abort (the ABORT command cancels the running transfers) into an
"aborted" reply. The dispatcher waits for whichever task finishes first and reads its result
with `task.result()`.

CS101: the decorator's wrapper swallows the transfer's cancel. That is how an abort ends: a
re-raise there makes the aborted transfer's task end cancelled, and `task.result()` in the
dispatcher then raises CancelledError and ends the whole session. The fix must stay unsafe and
name that read.
"""
import asyncio
import functools


def transfer(f):
    @functools.wraps(f)
    async def wrapper(server, name):
        try:
            await f(server, name)
        except asyncio.CancelledError:
            server.reply(f"426 {name} aborted")

    return wrapper


class Server:
    def __init__(self, commands, disk):
        self.commands = commands
        self.disk = disk
        self.replies = []
        self.transfers = set()

    def reply(self, text):
        self.replies.append(text)

    async def next_command(self):
        return await self.commands.get()

    @transfer
    async def send_file(self, name):
        await self.disk.read(name)
        self.reply(f"226 {name} sent")

    async def handle(self, verb, arg):
        if verb == "SEND":
            task = asyncio.create_task(self.send_file(arg))
            self.transfers.add(task)
            self.reply(f"150 sending {arg}")
        elif verb == "ABORT":
            for task in self.transfers:
                task.cancel()
        elif verb == "QUIT":
            return False
        return True

    async def serve(self):
        pending = {asyncio.create_task(self.next_command())}
        while True:
            done, pending = await asyncio.wait(pending | self.transfers, return_when=asyncio.FIRST_COMPLETED)
            self.transfers -= done
            for task in done:
                result = task.result()
                if isinstance(result, tuple):
                    pending.add(asyncio.create_task(self.next_command()))
                    pending.add(asyncio.create_task(self.handle(*result)))
                elif result is False:
                    for rest in pending:
                        rest.cancel()
                    return "221 bye"
