#!/usr/bin/env python3
"""How cancelsafe's time grows with the number of findings in one file (issue 14: linear, and
40,000 findings in at most 1 s). Generates modules of N swallowing handlers (each a CS101 finding
with a safe fix), times the release binary's --check and --diff on each (median of --rounds), and
prints seconds and microseconds per finding. Linear time shows as a flat per-finding column.
Two forms of handler: `guard` awaits a call of a parameter (`queue.get()`), whose fix is the
count guard (four lines added per handler); `raise` awaits `asyncio.sleep`, whose fix is a
plain `raise` in place of `pass`; `function` puts every `guard` handler in one function, so
the fixes share one function's scope (fresh names, the function's primitives).

    cargo build --release --locked && python3 scripts/bench_scale.py
"""

import argparse
import resource
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


FORMS = {
    "guard": "\n\nasync def worker_{i}(queue):\n    try:\n        await queue.get()\n    except asyncio.CancelledError:\n        return\n",
    "raise": "\n\nasync def worker_{i}():\n    try:\n        await asyncio.sleep(1)\n    except asyncio.CancelledError:\n        pass\n",
}


# One function holding every handler: its header comes first, then the body repeated.
ONE_FUNCTION = ("\n\nasync def worker(queue):\n", "    try:\n        await queue.get()\n    except asyncio.CancelledError:\n        return\n")


def module(findings: int, form: str = "guard") -> str:
    if form == "function":
        header, body = ONE_FUNCTION
        return "import asyncio\n" + header + body * findings
    return "import asyncio\n" + "".join(FORMS[form].format(i=i) for i in range(findings))


def cpu_of_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(command, cwd) -> tuple[float, float]:
    """Wall and CPU seconds of one run: on a busy machine the CPU time is the steadier one."""
    start, cpu = time.perf_counter(), cpu_of_children()
    result = subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    elapsed = time.perf_counter() - start, cpu_of_children() - cpu
    # 1: findings reported, as expected; anything else is a failed run.
    if result.returncode != 1:
        raise SystemExit(f"{' '.join(command)} exited {result.returncode}")
    return elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", default=str(ROOT / "target/release/cancelsafe"))
    parser.add_argument("--sizes", default="5000,10000,20000,40000")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--forms", default="guard,raise,function", help="handler forms to time: guard, raise, function")
    args = parser.parse_args()
    print("| form | findings | --check s | CPU s | CPU µs/finding | --diff s | CPU s | CPU µs/finding |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as folder:
        for form, size in ((form, size) for form in args.forms.split(",") for size in map(int, args.sizes.split(","))):
            path = Path(folder) / f"many_{form}_{size}.py"
            path.write_text(module(size, form))
            row = [form, f"{size:,}"]
            for mode in ("--check", "--diff"):
                command = [args.binary, "--no-config", "--no-cache", mode, path.name]
                runs = [timed(command, folder) for _ in range(args.rounds)]
                wall, cpu = statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)
                row += [f"{wall:.3f}", f"{cpu:.3f}", f"{cpu / size * 1e6:.1f}"]
            print("| " + " | ".join(row) + " |", flush=True)


if __name__ == "__main__":
    main()
