"""A cleanup await spread over several lines moves one level deeper, continuation lines and
comments included; lines that start inside a string literal keep their text, so the string's
value does not change."""

import asyncio


# Error
async def report(client, run_id: str) -> None:
    try:
        await client.run(run_id)
    finally:
        await client.close(
            reason="""run finished
  (stopped by the worker)
""",
            # the id goes last
            note=f"""run {run_id}
done""",
        )


# Error
async def checkpoint(store, state) -> None:
    try:
        await state.advance()
    finally:
        await store.commit(
            state.snapshot(),
        ); state.mark_clean()
