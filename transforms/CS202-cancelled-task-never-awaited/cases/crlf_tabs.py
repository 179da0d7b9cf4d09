"""Tabs and CRLF line endings are kept."""

import asyncio


# Error
async def stop(jobs):
	tasks = [asyncio.create_task(j()) for j in jobs]
	await asyncio.sleep(0)
	for task in tasks:
		task.cancel()
