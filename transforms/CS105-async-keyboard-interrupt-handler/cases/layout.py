"""Handler types in parentheses and handlers on one line."""

import asyncio


# A single type in parentheses: the tuple takes their place, the name goes after them.
# Error
async def main(server, log):
    try:
        await server.serve_forever()
    except (KeyboardInterrupt):
        log("bye")


# The handler's body on its `except` line.
# Error
async def one_line(server, log):
    try:
        await server.serve_forever()
    except KeyboardInterrupt: log("bye")
