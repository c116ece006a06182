"""Call profile: where one client process's time goes when it drives the reference emulator (py-spy samples).

The evidence behind the throughput figures: a client process loops GetCollaboration + ListCollaborations
(maxResults 1), as ``emulator-throughput`` does, with a client built like the suite's, against a server in a
process of its own. py-spy samples the client and the server at the same rate over the same seconds (only
samples where a thread is on the CPU). The client's samples are grouped by the component of the innermost
frame that names one (botocore signing, parsing, urllib3/http.client, the suite's own hooks, ...); the server's
on-CPU samples beside the client's give the server's share of the work.

py-spy is a development tool, not a dependency: ``pip install py-spy==0.4.3`` in the environment. Without it
the benchmark says so and stops. ``--server canned`` profiles against the no-work server instead (the
ceiling), ``--server moto`` against moto's.
"""

from __future__ import annotations

import argparse
import collections
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from benchmarks import common
from benchmarks.emulator_throughput import start_server

NAME = "call-profile"

# py-spy's raw output is one collapsed stack per line ("frame;frame;... count"); no library groups those by
# component, so this table does: the first rule that matches the innermost frame naming one wins.
COMPONENTS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern))
    for name, pattern in (
        ("cleanrooms-conformance (client hooks)", r"/conformance/"),
        ("SigV4 signing (botocore.auth)", r"botocore/auth\.py"),
        ("response parsing (botocore.parsers)", r"botocore/parsers\.py"),
        ("serialization (botocore.serialize)", r"botocore/(serialize|validate)\.py"),
        ("endpoint rules (botocore.regions)", r"botocore/(regions|endpoint_provider)\.py"),
        ("HTTP: urllib3, http.client, email headers, socket", r"urllib3/|http/client\.py|email/|socket\.py"),
        ("botocore events and the rest of botocore", r"botocore/"),
    )
)


def client_main(url: str, seconds: float) -> None:
    """The profiled client process: warm up, then loop until the time is up; prints requests/s."""
    from benchmarks.emulator_throughput import _client

    client = _client(url)
    created = client.create_collaboration(
        name="profile",
        description="benchmark",
        members=[],
        creatorMemberAbilities=[],
        creatorDisplayName="creator",
        queryLogStatus="DISABLED",
    )
    collaboration = created["collaboration"]["id"]
    for _ in range(200):
        client.get_collaboration(collaborationIdentifier=collaboration)
        client.list_collaborations(maxResults=1)
    started = time.perf_counter()
    calls = 0
    while time.perf_counter() - started < seconds:
        client.get_collaboration(collaborationIdentifier=collaboration)
        client.list_collaborations(maxResults=1)
        calls += 2
    print(f"{calls / (time.perf_counter() - started):.1f}")


def group(raw: str) -> tuple[collections.Counter[str], int]:
    """Samples per component of a py-spy raw file, and the total."""
    counts: collections.Counter[str] = collections.Counter()
    total = 0
    for line in raw.splitlines():
        stack, _, number = line.rpartition(" ")
        if not number.isdigit():
            continue
        samples = int(number)
        total += samples
        frames = stack.split(";")
        if not any("_api_call" in frame for frame in frames):
            counts["outside the API calls (loop, warm-up, start-up)"] += samples
            continue
        label = "other"
        for frame in reversed(frames):
            label = next((name for name, pattern in COMPONENTS if pattern.search(frame)), "")
            if label:
                break
        counts[label or "other"] += samples
    return counts, total


def main(argv: Sequence[str] | None = None) -> int:
    parser = common.parser(NAME, "where a client's time goes against the reference emulator (py-spy)", repeats=1)
    parser.add_argument("--seconds", type=float, default=8.0, help="length of the profiled loop (default 8)")
    parser.add_argument("--server", choices=("reference", "canned", "moto"), default="reference")
    parser.add_argument("--rate", type=int, default=500, help="py-spy samples per second (default 500)")
    parser.add_argument("--client", default=None, help=argparse.SUPPRESS)  # the profiled child process
    options = parser.parse_args(argv)
    if options.client is not None:
        client_main(options.client, options.seconds)
        return 0
    report = common.start(NAME, options, f"call profile: one client process against the {options.server} server")
    spy = shutil.which("py-spy") or shutil.which("py-spy", path=str(Path(sys.executable).parent))
    if spy is None:
        print("  skipped: py-spy is not installed here (pip install py-spy==0.4.3; a development tool)")
        return report.finish(options)
    server = start_server(options.server)
    try:
        with tempfile.TemporaryDirectory() as folder:
            client_file, server_file = Path(folder) / "client.raw", Path(folder) / "server.raw"
            command = [sys.executable, "-m", "benchmarks.call_profile", "--client", server.url]
            command += ["--seconds", str(options.seconds)]
            sampled = [spy, "record", "--rate", str(options.rate), "--format", "raw", "--nonblocking"]
            client = subprocess.Popen(
                [*sampled, "--output", str(client_file), "--", *command],
                cwd=common.ROOT,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            pid = server.process.pid if server.process is not None else None
            watch = [*sampled, "--pid", str(pid), "--output", str(server_file)]
            # Start the server's sampling as the client's loop starts (after its import and warm-up, ~2 s).
            time.sleep(2.0)
            watch += ["--duration", str(max(1, int(options.seconds) - 1))]
            server_run = subprocess.run(watch, capture_output=True, text=True, check=False)
            out, err = client.communicate(timeout=options.seconds + 120)
            if client.returncode != 0 or not client_file.exists():
                raise SystemExit(f"{NAME}: the profiled client failed:\n{err[-2000:]}")
            # py-spy prints its own lines on the same stdout; the client's one line is the number.
            rate = next(float(line) for line in reversed(out.split()) if re.fullmatch(r"\d+\.\d", line))
            counts, total = group(client_file.read_text(encoding="utf-8"))
            server_counts, server_total = (
                group(server_file.read_text(encoding="utf-8")) if server_file.exists() else (None, 0)
            )
            if server_run.returncode != 0 and not server_file.exists():
                print(f"  (the server could not be sampled: {server_run.stderr.strip()[-300:]})")
    finally:
        server.stop()
    report.row("client loop", req_per_s=rate, client_samples=total, server_samples=server_total)
    outside = "outside the API calls (loop, warm-up, start-up)"
    in_calls = total - counts[outside]
    report.row(f"client: {outside}", share_of_client=f"{counts[outside] / total:.1%}")
    # Every component, those with no samples too: "0% in the suite's hooks" is part of the evidence.
    labels = sorted({name for name, _ in COMPONENTS} | {"other"}, key=lambda name: -counts[name])
    for label in labels:
        report.row(f"client: {label}", share_of_calls=f"{counts[label] / max(in_calls, 1):.1%}")
    if server_counts is not None and in_calls:
        # Same rate, and the server was sampled over (nearly) the loop only: its on-CPU samples per client sample
        # taken inside the calls is the server's CPU per unit of client CPU.
        window = (options.seconds - 1) / options.seconds
        report.row("server CPU / client CPU (in the calls)", ratio=server_total / (in_calls * window))
    return report.finish(options)


if __name__ == "__main__":
    raise SystemExit(main())
