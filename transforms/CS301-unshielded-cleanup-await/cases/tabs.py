"""A buffered log shipper indented with TABS: the inserted `with` lines, the re-indented
cleanup blocks and the helper are indented with tabs too."""

import asyncio


class LogShipper:
	def __init__(self, transport, batch_size: int = 100) -> None:
		self._transport = transport
		self._batch_size = batch_size
		self._buffer: list[bytes] = []

	# Inside an `if` in the `finally`.
	# Error
	async def run(self, lines: asyncio.Queue) -> None:
		try:
			while True:
				self._buffer.append(await lines.get())
				if len(self._buffer) >= self._batch_size:
					await self._transport.send(self._buffer)
					self._buffer = []
		finally:
			if self._buffer:
				await self._transport.send(self._buffer)
			await self._transport.close()

	# Error
	async def ship_once(self, batch: list[bytes]) -> None:
		try:
			await self._transport.send(batch)
		except asyncio.CancelledError:
			await self._transport.abort()
			raise

	# OK
	async def close(self) -> None:
		try:
			await self._transport.send(self._buffer)
		finally:
			await asyncio.shield(self._transport.close())
