"""`# noqa` on the `except` line, where CS102 reports: bare, naming CS102, or in a list. A
suppressed handler is neither reported nor fixed (a bare `except:` is not rebound either). A
noqa naming another rule, a prefix of the code, no code at all, or sitting on the leaking
`return` instead leaves the finding in place. A fix that names the type of a bare `except:`
takes the linters' codes for a bare except out of its noqa."""

import asyncio
import logging

logger = logging.getLogger("webhooks")


# Bare `# noqa` on a bare `except:`.
# OK
async def notify(webhook, payload: dict) -> None:
    try:
        await webhook.post(payload)
    except:  # noqa
        logger.exception("webhook %s failed", webhook.url)
        return
    logger.debug("delivered to %s", webhook.url)


# `# noqa: CS102` on `except BaseException as exc:`.
# OK
async def run_lifespan(app, scope, receive, send, state: dict) -> None:
    try:
        await app(scope, receive, send)
    except BaseException as exc:  # noqa: CS102
        state["error"] = exc
        logger.info("ASGI 'lifespan' protocol appears unsupported.")


# CS102 in a list, together with flake8's code for a bare except.
# OK
async def deliver_all(webhooks, payload: dict, failed: list) -> None:
    for webhook in webhooks:
        try:
            await webhook.post(payload)
        except:  # noqa: CS999, E722, CS102
            failed.append(webhook)


# A tuple spread over several lines: the finding ends on the closing parenthesis, and a noqa
# there counts.
# OK
async def relay(source, sink) -> int:
    relayed = 0
    try:
        async for message in source:
            await sink.send(message)
            relayed += 1
    except (
        BaseException,
        OSError,
    ):  # noqa: CS102
        logger.warning("relay stopped after %d messages", relayed)
    return relayed


# A noqa for another rule (CS101) does not cover CS102.
# Error
async def notify_all(webhooks, payload: dict) -> None:
    for webhook in webhooks:
        try:
            await webhook.post(payload)
        except BaseException:  # noqa: CS101
            logger.exception("webhook %s failed", webhook.url)
            return


# A prefix of the code is not the code: `CS1` does not cover CS102.
# Error
async def ping_upstream(client) -> bool:
    try:
        await client.ping()
    except:  # noqa: CS1
        return False
    return True


# `# noqa:` with no code is not a directive.
# Error
async def close_session(session) -> None:
    try:
        await session.close()
    except BaseException as exc:  # noqa:
        logger.debug("close failed: %r", exc)


# The noqa sits on the leaking `return`, not on the `except` line the finding is on.
# Error
async def fetch_avatar(client, user_id: int) -> bytes | None:
    try:
        return await client.get(f"/avatars/{user_id}")
    except BaseException:
        return None  # noqa: CS102


# Linters' codes for a bare `except:` (E722, B001) suppress nothing once the fix names
# `BaseException`: they leave the list, and ruff's RUF100 has nothing to report. Other codes stay.
# Error
async def refresh_feeds(feeds, log: list) -> None:
    for feed in feeds:
        try:
            await feed.refresh()
        except:  # noqa: E722, B001, PERF203
            log.append(feed)
