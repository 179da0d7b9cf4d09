# cancelsafe-case: --helper-module app.tasks
"""With `helper-module = "app.tasks"`, the fix imports the shared helper instead of adding a
copy to this module: after the module's own imports, once for both leaks."""

import asyncio
import logging

from app.db import Database

logger = logging.getLogger(__name__)


# Error
async def on_order(db: Database, order_id: int) -> None:
    await db.mark_received(order_id)
    asyncio.create_task(db.send_receipt(order_id))
    asyncio.ensure_future(db.update_stats())


# Kept: no finding.
# OK
async def on_refund(db: Database, order_id: int) -> asyncio.Task:
    return asyncio.create_task(db.send_refund(order_id))
