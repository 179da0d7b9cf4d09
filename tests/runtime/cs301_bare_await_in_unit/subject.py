"""A queue worker in the shape of gradio's: when the processing ends, `finally` resets each
event's iterators and, between the resets, records analytics (an await that is no cleanup).

CS301: a second cancel during the block cuts it short and skips the resets after it. The fix
protects the whole block, the analytics await between the resets included: one left bare would
still let a cancel there skip the later resets.
"""
import asyncio


class Queue:
    def __init__(self, analytics):
        self.analytics = analytics
        self.reset = []

    async def reset_iterators(self, event):
        await asyncio.sleep(0.01)
        self.reset.append(event)

    async def process(self, events, work):
        try:
            await work()
        finally:
            for event in events:
                await self.reset_iterators(event)
                await self.analytics.record(event)
