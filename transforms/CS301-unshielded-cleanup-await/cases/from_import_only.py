"""Only `CancelledError` is imported from asyncio. The fixes need `asyncio.timeout` and
`asyncio.shield`, so the tool adds `import asyncio` once, after the module docstring and
the `__future__` import."""

from __future__ import annotations

import logging
from asyncio import CancelledError

logger = logging.getLogger("mailer")


# Error
async def send_digest(smtp, messages: list) -> None:
    await smtp.connect()
    try:
        for message in messages:
            await smtp.send_message(message)
    finally:
        await smtp.quit()


# The handler spells the imported name; the message is put back on cancel.
# Error
async def deliver_one(outbox, smtp) -> None:
    message = await outbox.take()
    try:
        await smtp.send_message(message)
    except CancelledError:
        await outbox.requeue(message)
        raise
    await outbox.ack(message)
