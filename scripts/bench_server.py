#!/usr/bin/env python3
"""Editor latency of `cancelsafe server`: the time from an edit to its diagnostics.

    python3 scripts/bench_server.py [--edits N] [--lines N] [--file PATH] [--binary PATH]

Builds the release binary (unless --binary is given), starts `cancelsafe server` on stdio,
opens a module of about 5,000 lines (generated: asyncio handlers, spawned tasks and cleanup
awaits, about one finding per 40 lines; or --file), then sends N incremental edits, each a
keystroke-sized `textDocument/didChange` (type a character at the end of a line, then delete it),
spaced apart so that each one is checked on its own. For each edit it measures the wall time from
writing the change to reading the `publishDiagnostics` for that version, which includes the
server's debounce. Prints the median, the 90th percentile and the maximum, and the server's CPU
time per edit (from /proc), which separates its own work from waiting for a busy machine's
cores. See docs/benchmark.md.
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

BLOCK = '''

class Worker{n}:
    """Consumes jobs from a queue until it is stopped."""

    def __init__(self, queue, loop):
        self._queue = queue
        self._loop = loop
        self._task = None

    async def run(self):
        while True:
            try:
                job = await self._queue.get()
            except asyncio.CancelledError:
                logger.info("worker {n} stopping")
                return
            try:
                await self.handle(job)
            finally:
                await self.release(job)

    async def handle(self, job):
        asyncio.create_task(self.audit(job))
        results = [await step(job) for step in job.steps if step is not None]
        return {{"id": job.id, "results": results, "worker": {n}}}

    async def audit(self, job):
        await asyncio.sleep(0)

    async def release(self, job):
        await asyncio.sleep(0)

    async def stop(self):
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except Exception:
                logger.exception("worker {n} failed")
'''


def generated_module(lines):
    head = '"""A generated service module for the editor benchmark."""\n\nimport asyncio\nimport logging\n\nlogger = logging.getLogger(__name__)\n'
    parts = [head]
    n = 0
    while sum(part.count("\n") for part in parts) < lines:
        parts.append(BLOCK.format(n=n))
        n += 1
    return "".join(parts)


class Server:
    def __init__(self, binary, root):
        self.process = subprocess.Popen([str(binary), "server"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=root)
        self.next_id = 0

    def send(self, message):
        body = json.dumps(message).encode()
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def read(self):
        length = None
        while True:
            line = self.process.stdout.readline()
            if not line:
                raise SystemExit("the server closed its output")
            line = line.strip()
            if not line:
                break
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        return json.loads(self.process.stdout.read(length))

    def request(self, method, params):
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params})
        while True:
            message = self.read()
            if message.get("id") == self.next_id and "method" not in message:
                return message

    def notify(self, method, params):
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def diagnostics_for(self, version):
        while True:
            message = self.read()
            if message.get("method") == "textDocument/publishDiagnostics" and message["params"].get("version") == version:
                return message["params"]["diagnostics"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=300)
    parser.add_argument("--lines", type=int, default=5000)
    parser.add_argument("--file", type=Path, help="a real module instead of the generated one")
    parser.add_argument("--binary", type=Path, help="a cancelsafe binary (default: build the release one)")
    parser.add_argument("--pause", type=float, default=0.03, help="seconds between edits (default 0.03)")
    args = parser.parse_args()

    binary = args.binary
    if binary is None:
        subprocess.run(["cargo", "build", "--release", "--locked", "--quiet"], cwd=REPO, check=True)
        binary = REPO / "target" / "release" / "cancelsafe"
    text = args.file.read_text() if args.file else generated_module(args.lines)
    lines = text.splitlines()
    root = Path(os.environ.get("TMPDIR", "/tmp")) / "cancelsafe-bench-server"
    root.mkdir(parents=True, exist_ok=True)
    path = root / "module.py"
    path.write_text(text)
    uri = path.as_uri()

    server = Server(binary, root)
    server.request("initialize", {"processId": os.getpid(), "rootUri": root.as_uri(), "capabilities": {}})
    server.notify("initialized", {})
    server.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}})
    findings = len(server.diagnostics_for(1))

    def cpu_seconds():
        # utime + stime of the server process, in clock ticks (fields 14 and 15 of /proc/PID/stat).
        fields = Path(f"/proc/{server.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    latencies = []
    version = 1
    cpu_before = cpu_seconds()
    for i in range(args.edits):
        # Alternately type a space at the end of a line in the middle of the module, and delete it.
        line = len(lines) // 2 + (i // 2) % 50
        end = len(lines[line])
        if i % 2 == 0:
            change = {"range": {"start": {"line": line, "character": end}, "end": {"line": line, "character": end}}, "text": " "}
        else:
            change = {"range": {"start": {"line": line, "character": end}, "end": {"line": line, "character": end + 1}}, "text": ""}
        version += 1
        started = time.perf_counter()
        server.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]})
        diagnostics = server.diagnostics_for(version)
        latencies.append((time.perf_counter() - started) * 1000)
        assert len(diagnostics) == findings, (len(diagnostics), findings)
        time.sleep(args.pause)
    cpu_per_edit = (cpu_seconds() - cpu_before) / args.edits * 1000
    server.request("shutdown", None)
    server.notify("exit", None)
    server.process.wait(timeout=10)

    latencies.sort()
    p90 = latencies[int(len(latencies) * 0.9) - 1]
    print(f"module: {len(lines)} lines, {len(text.encode()) / 1024:.0f} KiB, {findings} findings")
    print(f"edits: {len(latencies)} (each a one-character incremental change)")
    print(f"edit → diagnostics: median {statistics.median(latencies):.2f} ms, p90 {p90:.2f} ms, max {latencies[-1]:.2f} ms")
    print(f"server CPU time per edit: {cpu_per_edit:.2f} ms (the rest of the latency is waiting: debounce, scheduling)")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
