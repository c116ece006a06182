"""Emulator throughput: requests/s the reference emulator serves to 1 and 2 client processes, against moto's server.

Each server runs in a process of its own on 127.0.0.1 (the reference emulator as ``cleanrooms-conformance
serve`` runs it, moto as ``ThreadedMotoServer``), and 1 or 2 client processes loop GetCollaboration and
ListCollaborations (maxResults 1) with a boto3 client configured like the suite's, for a fixed time, all
starting together. ``canned`` is the ceiling: a keep-alive server with TCP_NODELAY that sends fixed bodies of
the same size and does nothing else, so the client (boto3) is all that is left. Same machine, same load, same
requests, one process run. The server's CPU time per request is read from ``/proc`` (Linux), which shows how
much of the wall time is the server and how much the client.

``reference (in-process)`` is how a suite worker runs the emulator: a thread in the client's own process.
"""

from __future__ import annotations

import multiprocessing
import os
import statistics
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.synchronize import Barrier
from pathlib import Path
from typing import Any

from benchmarks import common

NAME = "emulator-throughput"
TARGET_VS_MOTO = 3.0
TARGET_ONE_CLIENT = 1500.0
_CREATOR = "111111111111"
_MEMBER = "222222222222"


# --- servers (each in a child process) --------------------------------------------------------------------------


def _serve_reference(conn: Connection) -> None:
    from conformance.reference import EmulatorConfig, serve_forever

    serve_forever("127.0.0.1", 0, EmulatorConfig(), ready=conn.send)


def _serve_canned(conn: Connection) -> None:
    """The fastest server possible here: fixed bodies, keep-alive, TCP_NODELAY, one write per response."""
    import json
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    collab_id = "0e2a3a84-3bd4-4b4c-a2b8-5c1f0b3f6a10"
    collaboration = {
        "id": collab_id,
        "arn": f"arn:aws:cleanrooms:us-east-1:{_CREATOR}:collaboration/{collab_id}",
        "name": "throughput",
        "description": "benchmark",
        "creatorAccountId": _CREATOR,
        "creatorDisplayName": "creator",
        "createTime": 1795305322.621,
        "updateTime": 1795305322.621,
        "memberStatus": "INVITED",
        "queryLogStatus": "DISABLED",
    }
    summary = {k: collaboration[k] for k in ("id", "arn", "name", "creatorAccountId", "creatorDisplayName")}
    summary.update(createTime=1795305322.621, updateTime=1795305322.621, memberStatus="INVITED")
    one = json.dumps({"collaboration": collaboration}).encode()
    listed = json.dumps({"collaborationList": [summary], "nextToken": "next"}).encode()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)
            body = listed if self.path.startswith("/collaborations?") else one
            head = f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
            self.wfile.write(head.encode() + body)

        do_GET = do_POST = _answer

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    conn.send(f"http://127.0.0.1:{server.server_address[1]}")
    server.serve_forever()


def _serve_moto(conn: Connection) -> None:
    import logging

    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    conn.send(f"http://{host}:{port}")
    conn.recv()  # until told to stop (or killed)
    server.stop()


@dataclass(slots=True)
class Server:
    kind: str
    process: multiprocessing.process.BaseProcess | None
    url: str
    control: Connection | None = None
    """Held open while the server runs: a moto child stops when it closes."""

    def cpu_seconds(self) -> float | None:
        return _cpu_seconds(self.process.pid if self.process is not None else None)

    def stop(self) -> None:
        if self.control is not None:
            self.control.close()
        if self.process is not None:
            self.process.terminate()
            self.process.join(10)


def start_server(kind: str) -> Server:
    context = multiprocessing.get_context("spawn")
    parent, child = context.Pipe()
    target = {"reference": _serve_reference, "moto": _serve_moto, "canned": _serve_canned}[kind]
    process = context.Process(target=target, args=(child,), daemon=True, name=f"bench-{kind}-server")
    process.start()
    if not parent.poll(60):
        process.terminate()
        raise SystemExit(f"{NAME}: the {kind} server did not start within 60 s")
    return Server(kind, process, str(parent.recv()).rstrip("/"), parent)


def _cpu_seconds(pid: int | None) -> float | None:
    """User + system CPU seconds of a process (Linux /proc), None where that cannot be read."""
    if pid is None:
        return None
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


# --- clients ---------------------------------------------------------------------------------------------------


def _client(url: str) -> Any:
    from conformance.targets.clients import emulator_client
    from conformance.targets.spec import ActorSpec, parse_target

    spec = parse_target(url)
    return emulator_client(spec, url, ActorSpec(name="creator", account_id=_CREATOR))


def client_loop(url: str | None, seconds: float, barrier: Barrier, results: Any) -> None:
    """One client process: make a collaboration, warm up, then loop Get/List until the time is up."""
    try:
        _client_loop(url, seconds, barrier, results)
    except Exception as exc:
        barrier.abort()  # the parent and the other clients stop waiting at once
        results.put(f"{type(exc).__name__}: {exc}")


def _client_loop(url: str | None, seconds: float, barrier: Barrier, results: Any) -> None:
    import time as clock

    server = None
    if url is None:  # the suite's way: the emulator is a thread of this process
        from conformance.reference import ReferenceServer

        server = ReferenceServer()
        url = server.start()
    client = _client(url)
    created = client.create_collaboration(
        name="throughput",
        description="benchmark",
        members=[{"accountId": _MEMBER, "memberAbilities": [], "displayName": "member"}],
        creatorMemberAbilities=["CAN_QUERY", "CAN_RECEIVE_RESULTS"],
        creatorDisplayName="creator",
        queryLogStatus="DISABLED",
    )
    collaboration = created["collaboration"]["id"]

    def one_pair() -> None:
        client.get_collaboration(collaborationIdentifier=collaboration)
        client.list_collaborations(maxResults=1)

    for _ in range(100):
        one_pair()
    barrier.wait()
    cpu = clock.process_time()
    started = clock.perf_counter()
    deadline = started + seconds
    pairs = 0
    while clock.perf_counter() < deadline:
        one_pair()
        pairs += 1
    elapsed = clock.perf_counter() - started
    results.put((pairs * 2, elapsed, clock.process_time() - cpu))
    if server is not None:
        server.stop()


@dataclass(frozen=True, slots=True)
class Run:
    requests_per_s: float
    client_cpu_us: float
    """Client CPU per request (includes the in-process server thread, when there is one)."""
    server_cpu_us: float | None


def run_clients(server: Server | None, clients: int, seconds: float) -> Run:
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(clients + 1)
    results = context.Queue()
    url = server.url if server is not None else None
    processes = [
        context.Process(target=client_loop, args=(url, seconds, barrier, results), daemon=True) for _ in range(clients)
    ]
    for process in processes:
        process.start()
    try:
        barrier.wait(timeout=120)
    except threading.BrokenBarrierError:
        problem = results.get(timeout=10) if not results.empty() else "a client did not get ready within 120 s"
        raise SystemExit(f"{NAME}: a client process failed: {problem}") from None
    before = server.cpu_seconds() if server is not None else None
    outcomes = [results.get(timeout=seconds + 120) for _ in processes]
    problems = [o for o in outcomes if isinstance(o, str)]
    if problems:
        raise SystemExit(f"{NAME}: a client process failed: {problems[0]}")
    after = server.cpu_seconds() if server is not None else None
    for process in processes:
        process.join(30)
    total = sum(count for count, _, _ in outcomes)
    wall = max(elapsed for _, elapsed, _ in outcomes)
    client_cpu = sum(cpu for _, _, cpu in outcomes) / total * 1e6
    server_cpu = (after - before) / total * 1e6 if before is not None and after is not None else None
    return Run(total / wall, client_cpu, server_cpu)


def main(argv: Sequence[str] | None = None) -> int:
    parser = common.parser(NAME, "requests/s of the reference emulator against moto's server")
    parser.add_argument("--seconds", type=float, default=3.0, help="length of each timed loop (default 3)")
    parser.add_argument("--no-moto", action="store_true", help="skip moto (e.g. when it is not installed)")
    options = parser.parse_args(argv)
    report = common.start(NAME, options, "emulator throughput: reference emulator against moto's server")
    kinds = ["canned", "reference"] if options.no_moto else ["canned", "reference", "moto"]
    servers = {kind: start_server(kind) for kind in kinds}
    try:
        # kind -> clients -> runs; interleaved so that every configuration sees the same load over time.
        runs: dict[tuple[str, int], list[Run]] = {}
        loads: list[float] = []
        for _ in range(options.repeats):
            for clients in (1, 2):
                for kind in kinds:
                    runs.setdefault((kind, clients), []).append(run_clients(servers[kind], clients, options.seconds))
            runs.setdefault(("reference (in-process)", 1), []).append(run_clients(None, 1, options.seconds))
            loads.append(common.load_average()[0])
    finally:
        for server in servers.values():
            server.stop()
    load = statistics.median(loads)
    rate = {key: statistics.median(r.requests_per_s for r in found) for key, found in runs.items()}
    for (kind, clients), found in runs.items():
        server_cpu = [r.server_cpu_us for r in found if r.server_cpu_us is not None]
        report.row(
            f"{kind}, {clients} client process{'es' if clients > 1 else ''}",
            req_per_s=rate[(kind, clients)],
            client_cpu_us_per_req=statistics.median(r.client_cpu_us for r in found),
            server_cpu_us_per_req=statistics.median(server_cpu) if server_cpu else "n/a",
            runs=common.ratio_text([r.requests_per_s for r in found]),
        )
    for clients in (1, 2):
        report.row(
            f"reference / canned floor, {clients} client(s)",
            ratio=rate[("reference", clients)] / rate[("canned", clients)],
        )
    report.check(
        common.Check("reference, 1 client process", rate[("reference", 1)], TARGET_ONE_CLIENT, True, " req/s", load)
    )
    if not options.no_moto:
        for clients in (1, 2):
            ratio = rate[("reference", clients)] / rate[("moto", clients)]
            report.check(common.Check(f"reference / moto, {clients} client(s)", ratio, TARGET_VS_MOTO, True, "x", load))
    return report.finish(options)


if __name__ == "__main__":
    raise SystemExit(main())
