"""`# noqa` on a cleanup await, where CS301 reports: bare, naming CS301, or in a list, and on the
last line of an await spread over several lines. A suppressed await is left as it is (inside
the unit's `with` when another await of the same `finally:` is fixed). A noqa naming another rule, a
prefix of the code, no code at all, or sitting on the `except` line above the await leaves the
finding in place."""

import asyncio
import logging

logger = logging.getLogger("relay")


# Bare `# noqa` on the await.
# OK
async def send_report(host: str, port: int, report: bytes) -> bytes:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        writer.write(report)
        await writer.drain()
        return await reader.readline()
    finally:
        writer.close()
        await writer.wait_closed()  # noqa


# `# noqa: CS301`.
# OK
async def fetch_user(pool, user_id: int) -> dict:
    conn = await pool.acquire()
    try:
        return await conn.fetchrow("SELECT * FROM users WHERE id = $1", user_id)
    finally:
        await pool.release(conn)  # noqa: CS301


# CS301 in a list, in a handler that catches the cancellation.
# OK
async def stream_rows(cursor, sink) -> None:
    try:
        async for row in cursor:
            await sink.write(row)
    except asyncio.CancelledError:
        await sink.abort()  # noqa: CS999, CS301
        raise


# An await spread over several lines: the noqa on its last line counts.
# OK
async def publish(channel, exchange: str, body: bytes) -> None:
    try:
        await channel.basic_publish(exchange, body)
    finally:
        await channel.close(
            reply_code=200,
            reply_text="done",
        )  # noqa: CS301


# A report-only `async with` in the cleanup: the finding is on its header line.
# OK
async def run_job(job, lock) -> None:
    try:
        await job.run()
    finally:
        async with lock:  # noqa: CS301
            job.release()


# Two cleanups, one suppressed: only the other one is shielded and bounded.
# Error
async def bridge(consumer, producer, topic: str) -> None:
    try:
        async for msg in consumer:
            await producer.send(topic, msg.value)
    finally:
        await producer.flush()  # noqa: CS301
        await consumer.stop()


# A noqa for another rule (CS101) does not cover CS301.
# Error
async def upload(client, path: str, chunks) -> None:
    upload = await client.start_upload(path)
    try:
        async for chunk in chunks:
            await upload.write(chunk)
    finally:
        await upload.finish()  # noqa: CS101


# A prefix of the code is not the code: `CS3` does not cover CS301.
# Error
async def serve(server) -> None:
    try:
        await server.serve_forever()
    finally:
        server.close()
        await server.wait_closed()  # noqa: CS3


# `# noqa:` with no code is not a directive.
# Error
async def commit_batch(session, rows) -> None:
    try:
        session.add_all(rows)
        await session.flush()
    finally:
        await session.commit()  # noqa:


# The noqa sits on the `except` line, where a handler rule would report; CS301 reports the
# await inside the handler.
# Error
async def forward(queue: asyncio.Queue, sink) -> None:
    try:
        while True:
            await sink.send(await queue.get())
    except asyncio.CancelledError:  # noqa: CS301
        await sink.close()
        raise


# Silenced for flake8-async's ASYNC102, the same concern: silenced here too.
# OK
async def close_after(session, rows) -> None:
    try:
        await session.flush()
    finally:
        await session.close()  # noqa: ASYNC102
