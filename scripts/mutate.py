#!/usr/bin/env python3
"""Mutation checks (issue 14): deliberate regressions of the re-raise, the count guard and the
bounded cleanup that the test suite must catch. Each mutant is one exact replacement in the
source. It is applied to a copy of the tree (target/mutants/tree, with a target folder of its
own, seeded from target/debug so only the crate rebuilds), the copy is built, and the mutant's
test binaries are run. A mutant is killed when a test fails AND a runtime check printed its own
failure line (`<scenario>: FAIL: <guarantee>`, not a crash of the check): a mutant that only
changes an exit code or a snapshot does not count. An unmutated copy runs first and must pass,
or no kill means anything.

    python3 scripts/mutate.py            # every mutant (about 5 minutes each on two cores)
    python3 scripts/mutate.py --list
    python3 scripts/mutate.py reraise-pass-on-return guard-ge

Prints a Markdown table (mutant, killed or not, the tests that failed, the scenarios whose
check failed and on which fix: each finding's own first-pass fix or the final --write result);
exits 1 if a mutant survived. Results are recorded in docs/testing.md.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "target" / "mutants"
TREE = WORK / "tree"

# The runtime scenarios each kind of mutant is run on (CANCELSAFE_RUNTIME_ONLY, by name part).
HANDLERS = "cs101,cs102,cs103,cs104,sigint"
CLEANUP = "cs301"

RERAISE = "src/transforms/reraise.rs"
CS301 = "src/transforms/cs301_unshielded_cleanup_await.rs"


@dataclass
class Mutant:
    name: str
    what: str
    file: str
    old: str
    new: str
    scenarios: str
    # Further (file, old, new) replacements made together with the first.
    more: tuple = ()

    def replacements(self):
        return [(self.file, self.old, self.new), *self.more]


MUTANTS = [
    Mutant(
        "reraise-pass",
        "every re-raise a handler fix adds is `pass`",
        RERAISE,
        '            _ => "raise".to_string(),\n        },\n        nested_raise:',
        '            _ => "pass".to_string(),\n        },\n        nested_raise:',
        HANDLERS,
    ),
    Mutant(
        "reraise-pass-on-return",
        "the re-raise for a `return` in a handler is `pass` (issue 14's regression; the engine now refuses the fix that re-fires on the next pass)",
        RERAISE,
        "        let raise = if exit.in_nested_handler { &self.nested_raise } else { &self.raise };",
        '        let pass = "pass".to_string();\n'
        "        let raise = if matches!(exit.kind, crate::analysis::flow::ExitKind::Return) { &pass } else if exit.in_nested_handler { &self.nested_raise } else { &self.raise };",
        HANDLERS,
    ),
    Mutant(
        "reraise-pass-on-return-repaired",
        "as reraise-pass-on-return, and the engine no longer refuses a fix that re-fires where the last pass fixed: a later pass may repair the handler, so the written file can be right while the fix the finding carries is wrong (issue 14's case)",
        RERAISE,
        "        let raise = if exit.in_nested_handler { &self.nested_raise } else { &self.raise };",
        '        let pass = "pass".to_string();\n'
        "        let raise = if matches!(exit.kind, crate::analysis::flow::ExitKind::Return) { &pass } else if exit.in_nested_handler { &self.nested_raise } else { &self.raise };",
        HANDLERS,
        (("src/engine/mod.rs", "            if finding.fix.is_some() && fixed.contains(", "            if false && fixed.contains("),),
    ),
    Mutant(
        "reraise-nested-bare",
        "inside an `except` nested in the handler, a bare `raise` (re-raises the nested exception)",
        RERAISE,
        '            (Some(name), false) => format!("raise {name}"),',
        '            (Some(_), false) => "raise".to_string(),',
        HANDLERS,
    ),
    Mutant(
        "guard-ge",
        "the count guard compares `cancelling() >= cancels_before` (always true: another task's cancel is re-raised as this one's)",
        RERAISE,
        'format!("{}.current_task().cancelling() > {}", self.asyncio, self.variable)',
        'format!("{}.current_task().cancelling() >= {}", self.asyncio, self.variable)',
        HANDLERS,
    ),
    Mutant(
        "cleanup-no-reraise",
        "the held cancel is never raised when the cleanup block ends",
        CS301,
        "        if self._pending():\n            raise self._held\n",
        "        if self._pending():\n            return\n",
        CLEANUP,
    ),
    Mutant(
        "cleanup-bound-never-starts",
        "a cancel held during the cleanup never starts the bound (the cleanup may run forever)",
        CS301,
        "            if self._deadline is None:\n                self._deadline = self._loop.time() + self._bound\n",
        "            if self._deadline is None:\n                pass\n",
        CLEANUP,
    ),
    Mutant(
        "cleanup-bound-not-in-handler",
        "a cleanup that starts while the task's cancel is being handled gets no bound",
        CS301,
        "        if self._cancel is not None and self._task is not None:\n            self._deadline = self._loop.time() + self._bound\n",
        "        if self._cancel is not None and self._task is not None:\n            pass\n",
        CLEANUP,
    ),
    Mutant(
        "cleanup-never-cut-off",
        "the bound is never enforced (a cleanup past it is not cancelled)",
        CS301,
        "        if self._deadline is None or self._loop.time() < self._deadline:\n",
        "        if True:\n",
        CLEANUP,
    ),
    Mutant(
        "cleanup-poll-never-cut-off",
        "a cleanup that polls with `sleep(0)` is never cut off (the defect the seventh review found)",
        CS301,
        "                if self._overdue(awaitable):  # a poll that would never end\n",
        "                if False:  # a poll that would never end\n",
        CLEANUP,
    ),
    Mutant(
        "cleanup-pending-ge",
        "the cleanup's own count guard compares `>=` (a cancel taken back is still raised)",
        CS301,
        "        return self._count() > self._before\n",
        "        return self._count() >= self._before\n",
        CLEANUP,
    ),
]

FAIL_LINE = re.compile(r"^(\w+): FAIL: (.*)$", re.M)
FIRST_PASS = re.compile(r"^(\w+) \[[^\]]*\]: the findings' own fixes \(the first pass", re.M)
FINAL = re.compile(r"^(\w+) \[[^\]]*\]: the rewritten code breaks a guarantee", re.M)
FAILED_TEST = re.compile(r"^test (\S+) \.\.\. FAILED$", re.M)


def copy_tree():
    """The working tree's tracked files (with uncommitted changes) into TREE; the target
    folder is kept between runs, and seeded from target/debug the first time."""
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, check=True, capture_output=True).stdout.split(b"\0")
    for entry in TREE.iterdir() if TREE.exists() else []:
        if entry.name != "target":
            shutil.rmtree(entry) if entry.is_dir() and not entry.is_symlink() else entry.unlink()
    for name in filter(None, files):
        source = ROOT / os.fsdecode(name)
        if source.is_file():
            destination = TREE / os.fsdecode(name)
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination)
    target = TREE / "target"
    if not (target / "debug").exists():
        print("seeding target/mutants/tree/target from target/debug …", file=sys.stderr)
        (target / "debug").mkdir(parents=True)
        for part in ("deps", "build", ".fingerprint"):
            if (ROOT / "target/debug" / part).exists():
                subprocess.run(["cp", "-a", "--reflink=auto", str(ROOT / "target/debug" / part), str(target / "debug")], check=True)
    # The test virtualenvs (tests/common: target/test-venv-*) are shared, not rebuilt.
    for venv in (ROOT / "target").glob("test-venv-*"):
        link = target / venv.name
        if not link.exists():
            link.symlink_to(venv)


def run_tests(scenarios, tests, log):
    env = dict(os.environ, CANCELSAFE_RUNTIME_ONLY=scenarios, INSTA_UPDATE="no")
    args = ["cargo", "test", "--locked", "--no-fail-fast"] + [arg for test in tests for arg in ("--test", test)]
    build = subprocess.run(args + ["--no-run"], cwd=TREE, env=env, capture_output=True, text=True)
    if build.returncode != 0:
        return None, build.stdout + build.stderr
    started = time.monotonic()
    result = subprocess.run(args + ["--", "--test-threads", "2"], cwd=TREE, env=env, capture_output=True, text=True, timeout=3600)
    output = result.stdout + result.stderr
    log.write_text(output)
    print(f"  ({time.monotonic() - started:.0f} s of tests)", file=sys.stderr)
    return result.returncode, output


def judge(output):
    fails = sorted({scenario for scenario, reason in FAIL_LINE.findall(output) if not reason.startswith("check crashed")})
    return {
        "tests": sorted(set(FAILED_TEST.findall(output))),
        "fail_lines": fails,
        "first_pass": sorted(set(FIRST_PASS.findall(output))),
        "final": sorted(set(FINAL.findall(output))),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*", help="mutants to run (default: all)")
    parser.add_argument("--list", action="store_true")
    parser.add_argument("--no-baseline", action="store_true", help="skip the unmutated run")
    parser.add_argument("--tests", default="runtime,snapshots", help="test binaries to run (default: runtime,snapshots)")
    options = parser.parse_args()
    if options.list:
        for mutant in MUTANTS:
            print(f"{mutant.name}: {mutant.what} ({mutant.file})")
        return 0
    chosen = [m for m in MUTANTS if not options.names or m.name in options.names]
    unknown = set(options.names) - {m.name for m in MUTANTS}
    if unknown:
        parser.error(f"unknown mutants: {', '.join(sorted(unknown))}")
    tests = options.tests.split(",")
    WORK.mkdir(parents=True, exist_ok=True)
    copy_tree()
    # Every mutation must still match the source it was written for.
    for mutant in chosen:
        for file, old, _ in mutant.replacements():
            count = (TREE / file).read_text().count(old)
            if count != 1:
                sys.exit(f"{mutant.name}: the text to mutate occurs {count} times in {file} (the source moved on: update the mutant)")

    if not options.no_baseline:
        scenarios = ",".join(sorted({m.scenarios for m in chosen}))
        print(f"baseline (unmutated), scenarios {scenarios} …", file=sys.stderr)
        code, output = run_tests(scenarios, tests, WORK / "baseline.log")
        if code != 0:
            print(output[-5000:], file=sys.stderr)
            sys.exit("the unmutated tree fails its tests: no mutant result would mean anything")

    rows, survived = [], []
    for mutant in chosen:
        pristine = {file: (TREE / file).read_text() for file, _, _ in mutant.replacements()}
        mutated = dict(pristine)
        for file, old, new in mutant.replacements():
            mutated[file] = mutated[file].replace(old, new)
        for file, text in mutated.items():
            (TREE / file).write_text(text)
        print(f"{mutant.name} …", file=sys.stderr)
        try:
            code, output = run_tests(mutant.scenarios, tests, WORK / f"{mutant.name}.log")
        finally:
            for file, text in pristine.items():
                (TREE / file).write_text(text)
        if code is None:
            rows.append((mutant, "does not build", {}))
            survived.append(mutant.name)
            print(output[-3000:], file=sys.stderr)
            continue
        found = judge(output)
        killed = code != 0 and bool(found["fail_lines"])
        if not killed:
            survived.append(mutant.name)
        rows.append((mutant, "killed" if killed else "SURVIVED", found))

    print("| mutant | what | result | failed tests | runtime checks that failed (own FAIL line) | judged on |")
    print("|---|---|---|---|---|---|")
    for mutant, result, found in rows:
        judged = []
        if found.get("first_pass"):
            judged.append(f"first pass: {', '.join(found['first_pass'])}")
        if found.get("final"):
            judged.append(f"final --write ({len(found['final'])})")
        print(
            f"| `{mutant.name}` | {mutant.what} | {result} | {', '.join(found.get('tests', [])) or '-'} | "
            f"{', '.join(found.get('fail_lines', [])) or '-'} | {'; '.join(judged) or '-'} |"
        )
    if survived:
        print(f"\nsurvived: {', '.join(survived)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
