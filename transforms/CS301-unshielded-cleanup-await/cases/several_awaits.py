"""Several cleanup awaits in one `finally`, and awaits under a loop or a plain `with` there.
They form one protected unit, in order: a cancel during the first neither skips the later ones
nor cuts the first short, and it is raised when the last one is done."""

import asyncio
import logging

logger = logging.getLogger("bridge")


class KafkaBridge:
    def __init__(self, consumer, producer, topic: str) -> None:
        self._consumer = consumer
        self._producer = producer
        self._topic = topic

    # Three consecutive awaits: three findings, one unit.
    # Error
    async def run(self) -> None:
        await self._consumer.start()
        await self._producer.start()
        try:
            async for msg in self._consumer:
                await self._producer.send(self._topic, msg.value)
        finally:
            await self._producer.flush()
            await self._producer.stop()
            await self._consumer.stop()


# A `for` loop in the `finally`: the await in its body is wrapped (bound per iteration).
# Error
async def listen(redis, channels: list[str], handle) -> None:
    subscriptions = [await redis.subscribe(channel) for channel in channels]
    try:
        while True:
            for sub in subscriptions:
                message = await sub.get_message(timeout=1.0)
                if message is not None:
                    await handle(message)
    finally:
        for sub in subscriptions:
            await sub.unsubscribe()
        logger.info("unsubscribed from %d channels", len(subscriptions))


# A `while` loop sending what is left of the queue: sending is work, not a known cleanup
# call, so it is not flagged.
# OK
async def forward(queue: asyncio.Queue, sink) -> None:
    try:
        while True:
            item = await queue.get()
            await sink.send(item)
    finally:
        while not queue.empty():
            await sink.send(queue.get_nowait())


# Under a plain (sync) `with` in the `finally`, followed by a sync statement.
# Error
async def run_job(job, metrics) -> None:
    try:
        await job.run()
    finally:
        with metrics.timer("job.cleanup"):
            await job.cleanup()
        logger.info("job %s cleaned up", job.id)
