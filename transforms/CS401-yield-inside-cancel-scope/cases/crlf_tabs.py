"""Tabs and CRLF line endings are kept."""

import asyncio


# Error
async def messages(queue):
	while True:
		async with asyncio.timeout(1):
			message = await queue.get()
			yield message.strip()
