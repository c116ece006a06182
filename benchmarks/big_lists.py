"""Big lists: what a run costs in memory and report size when every list answer of the target is huge.

A loopback proxy in front of the reference emulator passes every request on and answers every successful list
operation (a 200 whose JSON object has a top-level array) with ``--items`` entries instead: the real entries
repeated, or a ~260-byte made-up summary when the list was empty. The README's command,
``python -m conformance run --target=http://PROXY`` (``cleanrooms-conformance run``), runs against it in a child
process; the figures are the child's maximum resident set size (``getrusage(RUSAGE_CHILDREN)``), its wall time,
and the sizes of ``results.json`` and ``index.html``. ``--items 0`` passes the answers on unchanged (the
baseline).

What it guards: a response is read only up to ``--max-response-bytes`` (default 8 MiB) and a record keeps only
the first 64 KiB of each body (``docs/report.md``), so memory and report size stay bounded whatever the target
sends.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import socketserver
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import urlsplit

from benchmarks import common
from conformance.targets.servers import start_reference

NAME = "big-lists"
#: A made-up list entry (~260 bytes), used when the real list was empty.
_FILLER = {
    "id": "0b7c2a7e-1f40-4d8e-9a5e-4b2f8c1d3e5f",
    "arn": "arn:aws:cleanrooms:us-east-1:111111111111:collaboration/0b7c2a7e-1f40-4d8e-9a5e-4b2f8c1d3e5f",
    "name": "filler-" + "x" * 40,
    "creatorAccountId": "111111111111",
    "creatorDisplayName": "creator",
    "createTime": 1767225600.0,
    "updateTime": 1767225600.0,
    "memberStatus": "ACTIVE",
}


def inflate(body: bytes, items: int) -> bytes:
    """``body`` with every top-level array of a JSON object grown (or shrunk) to ``items`` entries."""
    try:
        document = json.loads(body)
    except ValueError:
        return body
    if not isinstance(document, dict):
        return body
    changed = False
    for key, value in document.items():
        if isinstance(value, list):
            pool = value or [_FILLER]
            document[key] = [pool[i % len(pool)] for i in range(items)]
            changed = True
    return json.dumps(document).encode() if changed else body


class _Proxy(socketserver.ThreadingMixIn, socketserver.TCPServer):
    allow_reuse_address = True
    daemon_threads = True
    upstream: str
    items: int


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server: _Proxy

    def log_message(self, format: str, *args: object) -> None:
        pass

    def _forward(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        parts = urlsplit(self.server.upstream)
        connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=30)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length")}
        connection.request(self.command, self.path, body=body, headers=headers)
        response = connection.getresponse()
        answer = response.read()
        connection.close()
        if self.server.items and response.status == 200:
            answer = inflate(answer, self.server.items)
        # Head and body in one write: written apart, Nagle and delayed ACKs cost ~40 ms a call.
        head = [f"HTTP/1.1 {response.status} {response.reason}"]
        head += [
            f"{name}: {value}"
            for name, value in response.getheaders()
            if name.lower() not in ("content-length", "connection", "transfer-encoding")
        ]
        head += [f"Content-Length: {len(answer)}", "", ""]
        self.wfile.write("\r\n".join(head).encode("latin-1") + answer)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _forward


@contextmanager
def proxy(items: int) -> Iterator[str]:
    """The URL of an inflating proxy in front of a fresh reference emulator, both stopped afterwards."""
    emulator = start_reference("us-east-1")
    server = _Proxy(("127.0.0.1", 0), _Handler)
    server.upstream = emulator.url
    server.items = items
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        yield f"http://{host!s}:{port}"
    finally:
        server.shutdown()
        server.server_close()
        emulator.stop()


@dataclass(frozen=True, slots=True)
class Figures:
    items: int
    seconds: float
    max_rss_mb: float
    results_mb: float
    html_mb: float
    summary: str


def measure(items: int, extra: Sequence[str], memory_limit_gb: float) -> Figures:
    """One run against a proxy answering lists with ``items`` entries, in a child process."""
    with proxy(items) as url, tempfile.TemporaryDirectory() as folder:
        args = [sys.executable, "-m", "conformance", "run", f"--target={url}", f"--report-dir={folder}", "-q"]
        args += list(extra)
        # The child must be the only one waited for since the last figure, so its RSS is the children's maximum:
        # each figure runs in a fresh grandchild that reports its own child's peak.
        # The run gets an address-space limit: on a shared machine a run that grows without bound must die of a
        # MemoryError, not bring the kernel's OOM killer down on someone else's process.
        limit = int(memory_limit_gb * 1024**3)
        probe = (
            "import resource, subprocess, sys, time; t = time.perf_counter(); "
            f"resource.setrlimit(resource.RLIMIT_AS, ({limit}, {limit})); "
            "p = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
            "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); "
            "print(p.stdout[-3000:]); print(p.stderr[-2000:], file=sys.stderr)"
        )
        done = subprocess.run(
            [sys.executable, "-c", probe, *args], cwd=common.ROOT, capture_output=True, text=True, check=False
        )
        first, *rest = done.stdout.splitlines() or ["0 0"]
        seconds, rss_kb = first.split()
        summary = next((line.strip("= ") for line in reversed(rest) if re.search(r"\d+ (passed|failed)", line)), "")
        if not summary:
            tail = " | ".join((done.stdout + done.stderr).strip().splitlines()[-4:])
            summary = f"(no pytest summary) {tail[-400:]}"
        reports = list(Path(folder).glob("*/results.json"))
        results = reports[0].stat().st_size if reports else 0
        html = (reports[0].parent / "index.html").stat().st_size if reports else 0
    return Figures(items, float(seconds), int(rss_kb) / 1024, results / 1e6, html / 1e6, summary)


def main(argv: Sequence[str] | None = None) -> int:
    parser = common.parser(NAME, "memory and report size of a run whose every list answer is huge", repeats=1)
    parser.add_argument(
        "--items",
        type=int,
        nargs="+",
        default=[0, 25_000, 100_000],
        help="entries per list answer, one run each (0: unchanged answers; default 0 25000 100000)",
    )
    parser.add_argument(
        "--memory-limit-gb",
        type=float,
        default=6.0,
        help="address-space limit of each run (default 6): a run that grows past it fails instead of the machine",
    )
    parser.add_argument("pytest_args", nargs="*", help="more arguments for every run (after --)")
    options = parser.parse_args(argv)
    report = common.start(NAME, options, "run against a target whose list answers are huge")
    if os.name != "posix":
        raise SystemExit(f"{NAME}: needs resource.getrusage (POSIX)")
    for items in options.items:
        runs = [measure(items, options.pytest_args, options.memory_limit_gb) for _ in range(options.repeats)]
        worst = max(runs, key=lambda f: f.max_rss_mb)
        report.row(
            f"{items:,} items per list",
            max_rss_mb=worst.max_rss_mb,
            seconds=worst.seconds,
            results_json_mb=worst.results_mb,
            index_html_mb=worst.html_mb,
            pytest=worst.summary,
        )
    return report.finish(options)


if __name__ == "__main__":
    raise SystemExit(main())
