"""Tabs and CRLF line endings are kept."""

import asyncio


# Error
async def main(app):
	try:
		await app.run()
	except KeyboardInterrupt:
		app.save()
