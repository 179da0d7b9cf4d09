#!/usr/bin/env python3
"""Runtime check for one cancelsafe scenario (see ../README.md; shared helpers in ../harness.py).

Usage: python3 check.py /path/to/subject.py
"""
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from harness import *  # noqa: E402,F403 - fail, expect, settle, finish, ends_*, main, asyncio …

# design.md's "The cancelled-child idiom keeps working": a task that waits for a child it did
# not cancel (join()) still returns normally when someone else stops the child (close()).
# harmful.py (the keep-alive's fix alone, classed safe before the stoppers behind an alias
# and behind wait_for(shield(...)) were found) makes join() end cancelled.


async def beat():
    await asyncio.sleep(0.005)


async def closed_while_joined(mod, kind, stopped):
    mod.log.clear()
    link = kind(beat)
    await link.start()
    await asyncio.sleep(0.02)
    supervisor = asyncio.create_task(link.join())
    await asyncio.sleep(0.02)
    await ends_normally(asyncio.create_task(link.close()), f"{kind.__name__}.close()")
    await ends_normally(supervisor, f"{kind.__name__}.join() while another task closes the link (nobody cancelled the supervisor)")
    expect(mod.log == [stopped, "joined"], f"{kind.__name__}: log {mod.log}")


async def scenario(mod):
    await closed_while_joined(mod, mod.Link, "link stopped")
    await closed_while_joined(mod, mod.ShieldedLink, "shielded link stopped")

    # A supervisor that is itself cancelled still ends cancelled, and the shield leaves the
    # link running.
    kind = mod.ShieldedLink
    link = kind(beat)
    await link.start()
    supervisor = asyncio.create_task(link.join())
    await asyncio.sleep(0.02)
    supervisor.cancel()
    await ends_cancelled(supervisor, f"{kind.__name__}.join() cancelled")
    expect(not link._keep_alive.done(), "ShieldedLink: cancelling join() stopped the link")
    await link.close()


if __name__ == "__main__":
    main()
