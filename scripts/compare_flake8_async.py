#!/usr/bin/env python3
"""Compare cancelsafe's findings with flake8-async's on the same files, handler by handler.

    python3 scripts/compare_flake8_async.py CANCELSAFE_OUT FLAKE8_OUT [--root DIR] [--examples N]
    python3 scripts/compare_flake8_async.py --list-structured [SLICE ...]

The second form prints the modules (relative to the corpus cache) of the slices (default:
`safety` and `structured`) that import anyio or trio: the set the anyio/trio review compares on
(docs/findings-review.md).

CANCELSAFE_OUT is `cancelsafe --check --format concise` output, FLAKE8_OUT is
`flake8 --select ASYNC` output, both with paths relative to DIR (default: the corpus cache).
Findings are matched by what they are about, not by line: the `except` handler (CS101, CS102,
CS103 vs ASYNC103/ASYNC104), the spawning call (CS201 vs ASYNC300) and the awaiting statement
(CS301 vs ASYNC102/ASYNC120). Only code inside `async def` bodies is compared for the handler and
cleanup rules (flake8-async's ASYNC103/104 also look at sync functions; cancelsafe does not).
Each disagreement is classified by a reason read off the code; "other" ones are listed to read.
Used for docs/findings-review.md.
"""

import argparse
import ast
import collections
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus  # noqa: E402

SUSPENDING = (ast.Await, ast.AsyncFor, ast.AsyncWith)
LIBRARIES = ("asyncio", "anyio", "trio")
STRUCTURED_IMPORT = re.compile(r"^\s*(import|from)\s+(anyio|trio)\b", re.M)
REPO = Path(__file__).resolve().parent.parent


def cleanup_words():
    """CS301's cleanup vocabulary, read from the Rust source so the two cannot drift."""
    source = (REPO / "src/analysis/cleanup_calls.rs").read_text()
    listing = source.split("pub const CLEANUP_WORDS: &[&str] = &[", 1)[1].split("];", 1)[0]
    return set(re.findall(r'"([a-z_]+)"', listing))


def call_words(name):
    """`async_closeSession` -> {async, close, session}, as cleanup_calls.rs splits names."""
    words = set()
    for part in filter(None, name.split("_")):
        words.update(w.lower() for w in re.findall(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])", part) or [part])
    return words


def structured_modules(slices):
    """The modules of `slices` whose text imports anyio or trio."""
    root = corpus.cache_root()
    found = set()
    for slice_name in slices:
        for name, version in corpus.packages(slice_name):
            for path in corpus.python_files(corpus.folder(name, version)):
                if STRUCTURED_IMPORT.search(path.read_text(encoding="utf-8", errors="replace")):
                    found.add(str(path.relative_to(root)))
    return sorted(found)


def read_findings(path, prefix):
    found = collections.defaultdict(list)  # file -> [(line, col, code, message)]
    seen = set()  # a module listed twice is reported twice: count each finding once
    for line in Path(path).read_text().splitlines():
        parts = line.split(":", 3)
        if len(parts) < 4 or line in seen:
            continue
        seen.add(line)
        file, row, col, rest = parts
        words = rest.split()
        if not words or not words[0].startswith(prefix) or not row.isdigit():
            continue
        found[file].append((int(row), int(col), words[0], rest.strip()))
    return found


class Module:
    """The parsed file, with parents, to find what a position is about."""

    def __init__(self, path):
        self.source = path.read_text(encoding="utf-8", errors="replace")
        self.tree = ast.parse(self.source)
        self.parent = {}
        for node in ast.walk(self.tree):
            for child in ast.iter_child_nodes(node):
                self.parent[child] = node
        self.handlers = [n for n in ast.walk(self.tree) if isinstance(n, ast.ExceptHandler)]
        self.libraries = {library for library in LIBRARIES if self.imports(library)}
        self.imports_asyncio = "asyncio" in self.libraries

    def cancelled_error_is_asyncio(self):
        """A bare `CancelledError` in this module means asyncio's (or is not imported at all)."""
        for node in ast.walk(self.tree):
            if isinstance(node, ast.ImportFrom) and any((a.asname or a.name) == "CancelledError" for a in node.names):
                return (node.module or "").split(".")[0] == "asyncio"
        return True

    def imports(self, *modules):
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Import) and any(a.name.split(".")[0] in modules for a in node.names):
                return True
            if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in modules:
                return True
        return False

    def statement_at(self, line):
        """The innermost statement that starts on `line`."""
        found = [n for n in ast.walk(self.tree) if isinstance(n, ast.stmt) and n.lineno == line]
        return max(found, key=lambda n: n.col_offset, default=None)

    def handler_at(self, line):
        """The innermost handler whose span contains `line`."""
        inside = [h for h in self.handlers if h.lineno <= line <= h.end_lineno]
        return max(inside, key=lambda h: h.lineno, default=None)

    def handler_starting(self, line):
        return next((h for h in self.handlers if h.lineno == line), None)

    def function_of(self, node):
        while node in self.parent:
            node = self.parent[node]
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                return node
        return None

    def in_async_function(self, node):
        return isinstance(self.function_of(node), ast.AsyncFunctionDef)

    def try_of(self, handler):
        return self.parent[handler]


def suspends(nodes):
    for node in nodes:
        for child in ast.walk(node):
            if isinstance(child, SUSPENDING):
                return True
    return False


def mentions(node, *names):
    text = ast.unparse(node)
    return any(name in text for name in names)


def why_flake8_only(module, handler):
    """Why cancelsafe does not report a handler that flake8-async reports."""
    try_stmt = module.try_of(handler)
    body_text = ast.unparse(handler)
    if not module.libraries:
        return "module imports no async library (asyncio, anyio, trio)"
    if not suspends(try_stmt.body):
        return "no suspension point in the `try` body: nothing there can raise the task's cancellation"
    earlier = try_stmt.handlers[: try_stmt.handlers.index(handler)]
    if any(h.type is None or mentions(h.type, "CancelledError", "BaseException") for h in earlier):
        return "an earlier handler of the same `try` takes the cancellation"
    if handler.type is not None and "CancelledError" in ast.unparse(handler.type) and not module.cancelled_error_is_asyncio():
        return "`CancelledError` here is not asyncio's (imported from concurrent.futures or another module)"
    if handler.name and stored_and_raised_later(module, handler):
        return "the exception is kept (`err = e`, `errors.append(e)`) and raised later"
    if "cancelling()" in body_text or ("isinstance(" in body_text and "CancelledError" in body_text):
        return "the handler already decides about cancellation (cancelling() / isinstance)"
    if handler.type is not None and not mentions(handler.type, "CancelledError", "BaseException"):
        return "the handler does not catch cancellation"
    if raising_helper(module, handler):
        return "ends by calling a same-module function that always raises (converts or re-raises the exception)"
    if all(isinstance(s, ast.Raise) and s.exc is not None for s in handler.body[-1:]) and handler.name and any(
        isinstance(n, ast.Name) and n.id == handler.name for s in handler.body[-1:] for n in ast.walk(s)
    ):
        return "re-raises the caught exception wrapped or with a traceback (`raise e.with_traceback(...)`, `raise X from e` counts as conversion)"
    return "other"


def raising_helper(module, handler):
    """The handler's last statement calls a function of the module whose body ends in `raise`
    on every branch (`self._convert_socket_error(exc)`)."""
    last = handler.body[-1]
    if not (isinstance(last, ast.Expr) and isinstance(last.value, ast.Call)):
        return False
    func = last.value.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)

    def ends_raising(body):
        tail = body[-1] if body else None
        if isinstance(tail, ast.Raise):
            return True
        if isinstance(tail, ast.If):
            return ends_raising(tail.body) and ends_raising(tail.orelse)
        return False

    return any(
        isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name == name and ends_raising(n.body)
        for n in ast.walk(module.tree)
    )


def stored_and_raised_later(module, handler):
    stored = set()
    for stmt in handler.body:
        if isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Name) and stmt.value.id == handler.name:
            stored.update(ast.unparse(t) for t in stmt.targets)
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call) and isinstance(stmt.value.func, ast.Attribute):
            if any(isinstance(a, ast.Name) and a.id == handler.name for a in stmt.value.args):
                stored.add(ast.unparse(stmt.value.func.value))
    function = module.function_of(handler)
    return bool(stored) and function is not None and any(
        isinstance(n, ast.Raise) and n.exc is not None and n.lineno > handler.end_lineno and any(p in ast.unparse(n.exc) for p in stored)
        for n in ast.walk(function)
    )


def why_cancelsafe_only(module, line, code):
    handler = module.handler_starting(line)
    if handler is None:
        return "a `contextlib.suppress(CancelledError)` block (flake8-async has no rule for it)"
    if handler.type is not None and isinstance(handler.type, ast.Tuple):
        return "a tuple of exception types containing CancelledError"
    return "other"


def compare_handlers(root, ours, theirs, examples):
    rows = collections.Counter()
    reasons = collections.defaultdict(list)
    for file in sorted(set(ours) | set(theirs)):
        path = root / file
        try:
            module = Module(path)
        except SyntaxError:
            continue
        our_handlers = {}
        for line, col, code, message in ours.get(file, []):
            if code in ("CS101", "CS102", "CS103"):
                handler = module.handler_starting(line)
                our_handlers[handler if handler is not None else ("with", line)] = code
        their_handlers = {}
        for line, col, code, message in theirs.get(file, []):
            if code in ("ASYNC103", "ASYNC104"):
                handler = module.handler_at(line)
                if handler is not None and module.in_async_function(handler):
                    their_handlers.setdefault(handler, code)
        for key, code in our_handlers.items():
            if key in their_handlers:
                rows[f"both ({code} / {their_handlers[key]})"] += 1
            else:
                line = key[1] if isinstance(key, tuple) else key.lineno
                reason = why_cancelsafe_only(module, line, code)
                rows["cancelsafe only"] += 1
                reasons[("cancelsafe only", reason)].append(f"{file}:{line} {code}")
        for handler, code in their_handlers.items():
            if handler in our_handlers:
                continue
            reason = why_flake8_only(module, handler)
            rows["flake8-async only"] += 1
            reasons[("flake8-async only", reason)].append(f"{file}:{handler.lineno} {code}")
    return rows, reasons


def compare_spawns(root, ours, theirs):
    rows = collections.Counter()
    reasons = collections.defaultdict(list)
    for file in sorted(set(ours) | set(theirs)):
        our_lines = {line for line, _, code, _ in ours.get(file, []) if code == "CS201"}
        their_lines = {line for line, _, code, _ in theirs.get(file, []) if code == "ASYNC300"}
        source = (root / file).read_text(encoding="utf-8", errors="replace").splitlines()
        for line in our_lines & their_lines:
            rows["both"] += 1
        for line in our_lines - their_lines:
            text = source[line - 1]
            reason = (
                "loop.create_task (ASYNC300 checks asyncio.create_task only)" if "loop.create_task" in text
                else "asyncio.ensure_future (ASYNC300 checks asyncio.create_task only)" if "ensure_future" in text
                else "task assigned to a name never read" if "=" in text.split("(")[0]
                else "other"
            )
            rows["cancelsafe only"] += 1
            reasons[("cancelsafe only", reason)].append(f"{file}:{line}")
        for line in their_lines - our_lines:
            text = source[line - 1]
            rows["flake8-async only"] += 1
            reasons[("flake8-async only", "other")].append(f"{file}:{line} {text.strip()[:80]}")
    return rows, reasons


def why_cleanup_flake8_only(module, line, code):
    statement = module.statement_at(line)
    function = module.function_of(statement) if statement is not None else None
    text = ast.unparse(statement) if statement is not None else ""
    if not module.libraries:
        return "module imports no async library (asyncio, anyio, trio)"
    structured = bool(module.libraries & {"anyio", "trio"})
    if function is not None and getattr(function, "name", "") == "__aexit__" and not structured:
        return "an await in `__aexit__` of asyncio code (CS301 looks at `finally:` and cancellation handlers only)"
    if code == "ASYNC120":
        handler = module.handler_at(line)
        if handler is not None and handler.type is not None and not mentions(handler.type, "CancelledError", "BaseException"):
            return "an await in a handler that does not catch cancellation (ASYNC120 is about losing the active exception)"
    if "sleep(" in text:
        return "`await asyncio.sleep(...)`: a delay, not a cleanup"
    if any(word in text for word in ("gather(", "wait(", "wait_for(")) or (
        isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Await)
        and isinstance(statement.value.value, (ast.Name, ast.Attribute, ast.Subscript))
    ):
        return "waits for existing tasks (CS104/CS103 judge those)"
    if "shield" in text or "CancelScope" in text:
        return "already shielded"
    if isinstance(statement, (ast.AsyncWith, ast.AsyncFor)) or statement is None:
        return "an `async with` / `async for` or a nested expression (different anchor)"
    awaited = [n.value for n in ast.walk(statement) if isinstance(n, ast.Await)]
    calls = [a.func for a in awaited if isinstance(a, ast.Call)]
    names = [f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", "") for f in calls]
    if names and not any(call_words(name) & cleanup_words() for name in names):
        return f"not a cleanup call (`{names[0]}`: no word of CS301's cleanup vocabulary)"
    return "other"


def compare_cleanups(root, ours, theirs):
    rows = collections.Counter()
    reasons = collections.defaultdict(list)
    for file in sorted(set(ours) | set(theirs)):
        try:
            module = Module(root / file)
        except SyntaxError:
            continue
        our_lines = {line for line, _, code, _ in ours.get(file, []) if code == "CS301"}
        their = {line: code for line, _, code, _ in theirs.get(file, []) if code in ("ASYNC102", "ASYNC120")}
        for line in our_lines:
            if line in their:
                rows[f"both (CS301 / {their[line]})"] += 1
            else:
                rows["cancelsafe only"] += 1
                reason = (
                    "flake8-async turns ASYNC102 off in asyncio-only modules"
                    if not module.imports("trio", "anyio")
                    else "other"
                )
                reasons[("cancelsafe only", reason)].append(f"{file}:{line}")
        for line, code in their.items():
            if line not in our_lines:
                rows[f"flake8-async only ({code})"] += 1
                reasons[(f"flake8-async only ({code})", why_cleanup_flake8_only(module, line, code))].append(f"{file}:{line}")
    return rows, reasons


def report(title, rows, reasons, examples):
    print(f"## {title}")
    for key, count in sorted(rows.items()):
        print(f"  {key}: {count}")
    for (side, reason), places in sorted(reasons.items(), key=lambda item: (item[0][0], -len(item[1]))):
        print(f"  [{side}] {reason}: {len(places)}")
        for place in places[:examples]:
            print(f"      {place}")
    print()


def main():
    if sys.argv[1:2] == ["--list-structured"]:
        print("\n".join(structured_modules(sys.argv[2:] or ["safety", "structured"])))
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("cancelsafe_out")
    parser.add_argument("flake8_out")
    parser.add_argument("--root", default=str(corpus.cache_root()))
    parser.add_argument("--examples", type=int, default=3)
    args = parser.parse_args()
    root = Path(args.root)
    ours = read_findings(args.cancelsafe_out, "CS")
    theirs = read_findings(args.flake8_out, "ASYNC")
    report("Handlers: CS101/CS102/CS103 vs ASYNC103/ASYNC104 (async functions)", *compare_handlers(root, ours, theirs, args.examples), args.examples)
    report("Dropped tasks: CS201 vs ASYNC300", *compare_spawns(root, ours, theirs), args.examples)
    report("Cleanup awaits: CS301 vs ASYNC102/ASYNC120 (same line)", *compare_cleanups(root, ours, theirs), args.examples)


if __name__ == "__main__":
    main()
