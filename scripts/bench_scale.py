#!/usr/bin/env python3
"""How cancelsafe's time grows with the number of findings in one file (issue 14: linear, and
40,000 findings in at most 1 s). Generates modules of N swallowing handlers (each a CS101 finding
with a safe fix), times the release binary's --check and --diff on each (median of --rounds), and
prints seconds and microseconds per finding. Linear time shows as a flat per-finding column.

    cargo build --release --locked && python3 scripts/bench_scale.py
"""

import argparse
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def module(findings: int) -> str:
    functions = "".join(
        f"\n\nasync def worker_{i}(queue):\n    try:\n        await queue.get()\n    except asyncio.CancelledError:\n        return\n"
        for i in range(findings)
    )
    return "import asyncio\n" + functions


def timed(command, cwd) -> float:
    start = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    elapsed = time.perf_counter() - start
    # 1: findings reported, as expected; anything else is a failed run.
    if result.returncode != 1:
        raise SystemExit(f"{' '.join(command)} exited {result.returncode}")
    return elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", default=str(ROOT / "target/release/cancelsafe"))
    parser.add_argument("--sizes", default="5000,10000,20000,40000")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    print(f"| findings | --check s | µs/finding | --diff s | µs/finding |")
    print(f"|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as folder:
        for size in map(int, args.sizes.split(",")):
            path = Path(folder) / f"many_{size}.py"
            path.write_text(module(size))
            row = [f"{size:,}"]
            for mode in ("--check", "--diff"):
                command = [args.binary, "--no-config", "--no-cache", mode, path.name]
                seconds = statistics.median(timed(command, folder) for _ in range(args.rounds))
                row += [f"{seconds:.3f}", f"{seconds / size * 1e6:.1f}"]
            print("| " + " | ".join(row) + " |", flush=True)


if __name__ == "__main__":
    main()
