"""Webhook and relay code with bare `except:` around awaits."""

import asyncio
import logging

logger = logging.getLogger("webhooks")


# Logs and returns: bound as `except BaseException as exc:`, guard before `return`; safe.
# Error
async def notify(webhook, payload: dict) -> None:
    try:
        await webhook.post(payload)
    except:
        logger.exception("webhook %s failed", webhook.url)
        return
    logger.debug("delivered to %s", webhook.url)


# Falls off the end inside a loop: guard appended after the handler's code; unsafe (the
# fix stops delivering to the remaining webhooks).
# Error
async def deliver_all(webhooks, payload: dict, failed: list) -> None:
    for webhook in webhooks:
        try:
            await webhook.post(payload)
        except:
            failed.append(webhook)


# A bare `except:` that re-raises on every path.
# OK
async def notify_reraising(webhook, payload: dict) -> None:
    try:
        await webhook.post(payload)
    except:
        logger.exception("webhook %s failed", webhook.url)
        raise


# Bare `except:` in a sync function (a done-callback).
# OK
def report_delivery(fut: asyncio.Future) -> None:
    try:
        fut.result()
    except:
        logger.exception("delivery failed")
