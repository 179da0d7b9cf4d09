#!/usr/bin/env python3
"""Benchmark cancelsafe against ruff, flake8-async and the parse-only floor on the corpus.

    python3 scripts/bench.py [--reps N] [--slice full] [--flake8-slice small] [--no-flake8]

Builds the release binary and examples/parse_only.rs, creates a virtualenv with the pinned
ruff, flake8 and flake8-async (in ~/.cache/cancelsafe-bench/, or $CANCELSAFE_BENCH_CACHE),
fetches the corpus (scripts/corpus.py), then runs every tool on the same trees, interleaved
(one run of each per round), and prints a Markdown report: median wall time, lines per
second, ratios, and peak memory (max RSS of the largest process, from wait4), and how long a
rerun takes with a warm results cache against a --no-cache run. flake8 is run
on a smaller slice only (it is about a thousand times slower); the other tools are run on
that slice too, so every ratio compares the same files. See docs/benchmark.md.
"""

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "scripts"))
import corpus  # noqa: E402

PINS = {"ruff": "0.17.5", "flake8": "7.5.0", "flake8-async": "26.8.1"}


def bench_cache():
    override = os.environ.get("CANCELSAFE_BENCH_CACHE")
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(override) if override else Path(base) / "cancelsafe-bench"


def venv_with_pins():
    """A virtualenv holding exactly the pinned versions (created or repaired as needed)."""
    venv = bench_cache() / "venv"
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    wanted = [f"{name}=={version}" for name, version in PINS.items()]
    check = subprocess.run([str(python), "-m", "pip", "freeze"], capture_output=True, text=True, check=True)
    installed = {line.lower() for line in check.stdout.split()}
    if not all(pin.lower() in installed for pin in wanted):
        print(f"bench: installing {' '.join(wanted)}", file=sys.stderr, flush=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *wanted], check=True)
    return venv / "bin"


def build():
    print("bench: cargo build --release (cancelsafe, examples/parse_only)", file=sys.stderr, flush=True)
    subprocess.run(
        ["cargo", "build", "--release", "--locked", "--quiet", "--bin", "cancelsafe", "--example", "parse_only"],
        cwd=REPO,
        check=True,
    )
    release = REPO / "target" / "release"
    return release / "cancelsafe", release / "examples" / "parse_only"


def run_once(command, cwd):
    """Wall seconds, max RSS (MiB) and CPU seconds (user + system) of one run; output
    discarded, exit status checked."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    stderr = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    # 0 clean, 1 findings (cancelsafe, ruff, flake8); anything else is a failed run.
    if code not in (0, 1):
        raise SystemExit(f"bench: {' '.join(map(str, command[:3]))} … exited {code}:\n{stderr.decode(errors='replace')[-2000:]}")
    return wall, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def tree_size(folders):
    files = lines = size = 0
    for folder in folders:
        for path in corpus.python_files(folder):
            data = path.read_bytes()
            files += 1
            lines += data.count(b"\n")
            size += len(data)
    return files, lines, size


COLD = "cancelsafe --check --no-cache"
WARM = "cancelsafe --check, warm cache"


def warm_cache():
    """The results cache of the warm runs (primed before the first round)."""
    return bench_cache() / "results-cache"


def tools(cancelsafe, parse_only, venv_bin, with_flake8):
    check = [str(cancelsafe), "--no-config", "--check", "--format", "concise"]
    found = {
        "parse-only floor (ruff_python_parser)": lambda dirs: [str(parse_only), *dirs],
        COLD: lambda dirs: [*check, "--no-cache", *dirs],
        # Every file unchanged since the cache was primed: a rerun in CI or pre-commit.
        WARM: lambda dirs: [*check, "--cache-dir", str(warm_cache()), *dirs],
        "ruff check --select RUF006,ASYNC": lambda dirs: [
            str(venv_bin / "ruff"), "check", "--isolated", "--no-cache", "--select", "RUF006,ASYNC",
            "--output-format", "concise", *dirs,
        ],
    }
    if with_flake8:
        found["flake8 --select ASYNC (flake8-async)"] = lambda dirs: [str(venv_bin / "flake8"), "--isolated", "--select", "ASYNC", *dirs]
    return found


def machine():
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores ({model or 'unknown CPU'})"


def main():
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--reps", type=int, default=5, help="rounds (each runs every tool once); default 5")
    parser.add_argument("--slice", default="full", help="the corpus slice for cancelsafe, ruff and the floor")
    parser.add_argument("--flake8-slice", default="small", help="the slice flake8 runs on (it is slow)")
    parser.add_argument("--flake8-reps", type=int, default=3, help="rounds that include flake8; default 3")
    parser.add_argument("--no-flake8", action="store_true", help="leave flake8 out")
    args = parser.parse_args()

    cancelsafe, parse_only = build()
    venv_bin = venv_with_pins()
    root = corpus.cache_root()
    trees = {}
    for slice_name in dict.fromkeys([args.slice] + ([] if args.no_flake8 else [args.flake8_slice])):
        folders = [corpus.fetch(name, version) for name, version in corpus.packages(slice_name)]
        trees[slice_name] = ([folder.name for folder in folders], tree_size(folders))

    versions = {
        "cancelsafe": subprocess.run([str(cancelsafe), "--version"], capture_output=True, text=True).stdout.strip(),
        "ruff": subprocess.run([str(venv_bin / "ruff"), "--version"], capture_output=True, text=True).stdout.strip(),
        "flake8": " ".join(subprocess.run([str(venv_bin / "flake8"), "--version"], capture_output=True, text=True).stdout.split()),
    }
    # Prime the warm runs' cache: one run per tree, not timed.
    shutil.rmtree(warm_cache(), ignore_errors=True)
    for slice_name, (dirs, _) in trees.items():
        run_once(tools(cancelsafe, parse_only, venv_bin, False)[WARM](dirs), root)
    load_before = os.getloadavg()
    times = {}  # (slice, tool) -> [(wall, rss)]
    for round_number in range(args.reps):
        with_flake8 = not args.no_flake8 and round_number < args.flake8_reps
        for slice_name, (dirs, _) in trees.items():
            for tool, command in tools(cancelsafe, parse_only, venv_bin, with_flake8).items():
                if tool.startswith("flake8") and slice_name != args.flake8_slice:
                    continue
                wall, rss, cpu = run_once(command(dirs), root)
                times.setdefault((slice_name, tool), []).append((wall, rss, cpu))
                print(f"bench: round {round_number + 1}: {slice_name}: {tool}: {wall:.3f} s, {cpu:.3f} s CPU, {rss:.0f} MiB", file=sys.stderr, flush=True)
    load_after = os.getloadavg()

    print(f"Machine: {machine()}; load average {load_before[0]:.1f} before, {load_after[0]:.1f} after.")
    print(f"Versions: {versions['cancelsafe']}; {versions['ruff']}; flake8 {versions['flake8']}.")
    flake8_rounds = "flake8 left out" if args.no_flake8 else f"flake8 in the first {min(args.flake8_reps, args.reps)}"
    print(f"Rounds: {args.reps} ({flake8_rounds}), interleaved; wall time is the median.")
    for slice_name, (dirs, (files, lines, size)) in trees.items():
        print()
        print(f"### `{slice_name}` slice: {len(dirs)} packages, {files} files, {lines:,} lines, {size / 1e6:.1f} MB")
        print()
        print("| tool | median wall | min–max | lines/s | × floor | × cancelsafe --no-cache | median CPU | peak RSS |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|")
        floor = statistics.median(w for w, _, _ in times[(slice_name, next(iter(tools(cancelsafe, parse_only, venv_bin, False))))])
        ours = statistics.median(w for w, _, _ in times[(slice_name, COLD)])
        for (tree, tool), runs in times.items():
            if tree != slice_name:
                continue
            walls = [w for w, _, _ in runs]
            median = statistics.median(walls)
            rss = max(r for _, r, _ in runs)
            cpu = statistics.median(c for _, _, c in runs)
            print(
                f"| {tool} | {median:.3f} s | {min(walls):.3f}–{max(walls):.3f} | {lines / median:,.0f} "
                f"| {median / floor:.2f} | {median / ours:.2f} | {cpu:.3f} s | {rss:.0f} MiB |"
            )
        # Each round's warm run against the same round's cold one, so that load hits both alike;
        # CPU time (user + system) does not depend on the load at all.
        warm_runs, cold_runs = times[(slice_name, WARM)], times[(slice_name, COLD)]
        pairs = [warm[0] / cold[0] for warm, cold in zip(warm_runs, cold_runs)]
        cpu_ratio = statistics.median(c for _, _, c in warm_runs) / statistics.median(c for _, _, c in cold_runs)
        print()
        print(
            f"Warm rerun: {statistics.median(w for w, _, _ in warm_runs) / ours:.3f}× a --no-cache run in wall time "
            f"(median of the rounds' own ratios {statistics.median(pairs):.3f}, range {min(pairs):.3f}–{max(pairs):.3f}), "
            f"{cpu_ratio:.3f}× in CPU time; target ≤ 0.15."
        )


if __name__ == "__main__":
    main()
