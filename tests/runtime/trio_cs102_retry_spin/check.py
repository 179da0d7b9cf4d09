#!/usr/bin/env python3
"""Runtime check for one cancelsafe scenario (see ../README.md; shared helpers in
../structured_harness.py), under trio.

Usage: python check.py /path/to/subject.py
"""
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from structured_harness import *  # noqa: E402,F403 - retry_loop_ends, main

# ---------------------------------------------------------------- scenario ---
# A cancelled scope must end, promptly, as trio requires; failures that are not the
# cancellation are still logged and retried. (structured_harness.retry_loop_ends)


async def scenario(mod, lib):
    await retry_loop_ends(mod, lib, "receive_some", "read failed: OSError")


main(["trio-native"])
