#!/usr/bin/env python3
"""The real-world corpus: published asyncio projects, downloaded from the package index.

    python3 scripts/corpus.py fetch SLICE          download what is missing; print one folder per package
    python3 scripts/corpus.py list [SLICE]         the pinned packages (name==version)
    python3 scripts/corpus.py stats SLICE          files, lines and bytes per package
    python3 scripts/corpus.py compile-errors DIR…  the .py files under DIR that python3 cannot compile

Packages and slices are pinned in scripts/corpus.txt. Each package's wheel is fetched with
`pip download` (so whatever index or mirror pip is configured with is used), and only its .py
files are kept, in ~/.cache/cancelsafe-corpus/<name>-<version>/ (or $CANCELSAFE_CORPUS_CACHE).
A package is unpacked into a temporary folder and renamed into place whole, so a folder that
exists is complete. Any failure exits non-zero: a corpus that could not be fetched is an error,
never an empty corpus. Standard library only.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path, PurePosixPath

LIST = Path(__file__).with_name("corpus.txt")
SLICES = ("small", "safety", "fresh", "structured", "holdout", "full")

# Wheels are chosen for one fixed interpreter and platform, whatever machine runs this, so every
# machine unpacks the same files (only the .py files are kept; compiled parts are dropped).
WHEEL_TAGS = [
    "--python-version", "3.11", "--implementation", "cp", "--abi", "cp311",
    "--platform", "manylinux_2_28_x86_64", "--platform", "manylinux_2_17_x86_64",
    "--platform", "manylinux2014_x86_64", "--platform", "manylinux_2_5_x86_64",
    "--platform", "manylinux1_x86_64",
]


class CorpusError(Exception):
    pass


def packages(slice_name=None):
    """(name, version) of each package in the slice (all of them for `full` or None)."""
    if slice_name is not None and slice_name not in SLICES:
        raise CorpusError(f"unknown slice {slice_name!r}; slices: {', '.join(SLICES)}")
    found = []
    for number, line in enumerate(LIST.read_text().splitlines(), 1):
        words = line.split("#", 1)[0].split()
        if not words:
            continue
        name, sep, version = words[0].partition("==")
        if not sep or not name or not version:
            raise CorpusError(f"{LIST}:{number}: expected name==version, got {words[0]!r}")
        slices = {"full", *words[1:]}
        unknown = slices - set(SLICES)
        if unknown:
            raise CorpusError(f"{LIST}:{number}: unknown slice(s) {', '.join(sorted(unknown))}")
        if slice_name is None or slice_name in slices:
            found.append((name, version))
    return found


def cache_root():
    override = os.environ.get("CANCELSAFE_CORPUS_CACHE")
    if override:
        return Path(override)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "cancelsafe-corpus"


def folder(name, version):
    return cache_root() / f"{name}-{version}"


def fetch(name, version):
    """The package's folder of .py files, downloaded and unpacked if not cached yet."""
    target = folder(name, version)
    if target.is_dir():
        return target
    root = cache_root()
    root.mkdir(parents=True, exist_ok=True)
    print(f"corpus: downloading {name}=={version}", file=sys.stderr, flush=True)
    with tempfile.TemporaryDirectory(prefix=".fetch-", dir=root) as work:
        download = Path(work) / "download"
        command = [
            sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:",
            "--disable-pip-version-check", "--no-input", "--progress-bar", "off", "--quiet",
            *WHEEL_TAGS, "--dest", str(download), f"{name}=={version}",
        ]
        result = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if result.returncode != 0:
            raise CorpusError(f"pip download {name}=={version} failed (exit {result.returncode}):\n{result.stdout.strip()}")
        wheels = sorted(download.glob("*.whl"))
        if len(wheels) != 1:
            raise CorpusError(f"pip download {name}=={version}: expected one wheel, got {[w.name for w in wheels]}")
        tree = Path(work) / "tree"
        count = unpack_python_files(wheels[0], tree)
        if count == 0:
            raise CorpusError(f"{wheels[0].name}: no .py files")
        (tree / "CORPUS-SOURCE.txt").write_text(f"{name}=={version}\n{wheels[0].name}\n{count} .py files\n")
        try:
            tree.rename(target)
        except OSError:
            # Another run finished the same package first: its folder is complete too.
            if not target.is_dir():
                raise
    return target


def unpack_python_files(wheel, tree):
    """Extracts the wheel's .py files (not its metadata) into `tree`; returns how many."""
    count = 0
    with zipfile.ZipFile(wheel) as archive:
        for member in archive.infolist():
            path = PurePosixPath(member.filename)
            if member.is_dir() or path.suffix != ".py":
                continue
            if path.is_absolute() or ".." in path.parts:
                raise CorpusError(f"{wheel.name}: unsafe member path {member.filename!r}")
            if path.parts[0].endswith((".dist-info", ".data")):
                continue
            destination = tree.joinpath(*path.parts)
            destination.parent.mkdir(parents=True, exist_ok=True)
            with archive.open(member) as source, open(destination, "wb") as out:
                shutil.copyfileobj(source, out)
            count += 1
    return count


def python_files(top):
    for directory, subdirs, files in os.walk(top):
        subdirs.sort()
        for file in sorted(files):
            if file.endswith(".py"):
                yield Path(directory) / file


def compile_errors(folders):
    """The .py files under `folders` that python3 does not compile, as `path: error` lines."""
    errors = []
    for top in folders:
        for path in python_files(top):
            try:
                compile(path.read_bytes(), str(path), "exec", dont_inherit=True)
            except (SyntaxError, ValueError, UnicodeDecodeError) as error:
                errors.append(f"{path}: {type(error).__name__}: {error}")
    return errors


def stats(slice_name):
    total_files = total_lines = total_bytes = 0
    for name, version in packages(slice_name):
        files = lines = size = 0
        for path in python_files(fetch(name, version)):
            data = path.read_bytes()
            files += 1
            lines += data.count(b"\n")
            size += len(data)
        print(f"{name + '==' + version:<32} {files:6} files {lines:9} lines {size / 1e6:7.1f} MB")
        total_files += files
        total_lines += lines
        total_bytes += size
    print(f"{'total':<32} {total_files:6} files {total_lines:9} lines {total_bytes / 1e6:7.1f} MB")


def main(argv):
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__.strip())
        return 0 if argv else 2
    command, args = argv[0], argv[1:]
    if command == "fetch" and len(args) == 1:
        for name, version in packages(args[0]):
            print(fetch(name, version))
    elif command == "list" and len(args) <= 1:
        for name, version in packages(args[0] if args else None):
            print(f"{name}=={version}")
    elif command == "stats" and len(args) == 1:
        stats(args[0])
    elif command == "compile-errors" and args:
        for line in compile_errors(args):
            print(line)
    else:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except CorpusError as error:
        print(f"corpus: error: {error}", file=sys.stderr)
        sys.exit(1)
