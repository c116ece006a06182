"""The reference emulator under load: idle and slow connections, a connection flood, malformed requests.

``cleanrooms-conformance serve`` is meant to be left running for a team's CI, so nothing a client does (or
fails to do) may starve the others: idle keep-alive connections hold no thread, slow senders hold no thread,
the number of open connections is capped (the quietest is closed to make room), and no malformed request gets
a 5xx. Real sockets on loopback; no timing assertions (a socket timeout only turns a hang into a failure).
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack
from urllib.parse import urlsplit

import pytest

from conformance.reference import ReferenceServer
from conformance.reference.server import DEFAULT_MAX_WORKERS, ServerLimits

CREATOR = "111111111111"
AUTH = (
    f"Authorization: AWS4-HMAC-SHA256 Credential={CREATOR}/20260101/us-east-1/cleanrooms/aws4_request, "
    f"SignedHeaders=host, Signature={'0' * 64}\r\n"
)


@pytest.fixture
def server() -> Iterator[ReferenceServer]:
    with ReferenceServer() as running:
        yield running


def address(server: ReferenceServer) -> tuple[str, int]:
    parts = urlsplit(server.url)
    return parts.hostname or "", parts.port or 0


def request(path: str = "/collaborations", method: str = "GET", body: bytes = b"", extra: str = "") -> bytes:
    head = f"{method} {path} HTTP/1.1\r\nHost: x\r\n{AUTH}{extra}Content-Length: {len(body)}\r\n\r\n"
    return head.encode() + body


def read_response(sock: socket.socket) -> tuple[int, bytes]:
    """Status and body of one response (Content-Length framed), or (0, b"") when the server closed instead."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return 0, b""
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    length = next((int(v) for k, _, v in (line.partition(":") for line in lines[1:]) if k.lower() == "content-length"))
    while len(rest) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        rest += chunk
    return status, rest[:length]


def real_client_gets_an_answer(server: ReferenceServer) -> int:
    with socket.create_connection(address(server), timeout=5) as sock:
        sock.sendall(request())
        return read_response(sock)[0]


def test_idle_connections_hold_no_thread(server: ReferenceServer) -> None:
    before = threading.active_count()
    with ExitStack() as stack:
        for _ in range(900):
            stack.enter_context(socket.create_connection(address(server), timeout=5))
        # Connections are accepted in order, so once a later client is answered all 900 have been accepted.
        assert real_client_gets_an_answer(server) == 200
        threads = threading.active_count() - before
    assert threads <= DEFAULT_MAX_WORKERS, f"{threads} threads for 900 idle connections"


def test_slow_senders_hold_no_thread_and_do_not_slow_a_real_client(server: ReferenceServer) -> None:
    before = threading.active_count()
    with ExitStack() as stack:
        for n in range(200):
            slow = stack.enter_context(socket.create_connection(address(server), timeout=5))
            slow.sendall(f"GET /collaborations HTTP/1.1\r\nHost: x\r\nX-Slow-{n}: ".encode())  # never finished
        assert real_client_gets_an_answer(server) == 200
        assert threading.active_count() - before <= DEFAULT_MAX_WORKERS


def test_a_connection_flood_closes_the_quietest_connections_and_serves_the_new_ones() -> None:
    with ReferenceServer(limits=ServerLimits(max_connections=20, max_workers=4)) as server, ExitStack() as stack:
        first = [stack.enter_context(socket.create_connection(address(server), timeout=5)) for _ in range(20)]
        for sock in first[:5]:  # five of them are in use: answered, and kept alive
            sock.sendall(request())
            assert read_response(sock)[0] == 200
        later = [stack.enter_context(socket.create_connection(address(server), timeout=5)) for _ in range(15)]
        for sock in later:
            sock.sendall(request())
            assert read_response(sock)[0] == 200
        assert server.open_connections <= 20
        # The 15 never used were closed to make room; the five in use were not.
        assert sum(1 for sock in first[5:] if sock.recv(1) == b"") == 15
        for sock in first[:5]:
            sock.sendall(request())
            assert read_response(sock)[0] == 200


def test_beyond_the_cap_with_every_connection_busy_a_new_one_gets_503() -> None:
    with ReferenceServer(limits=ServerLimits(max_connections=1, max_workers=2)) as server:
        with socket.create_connection(address(server), timeout=5) as busy:
            # A worker reads this body, which never comes: the one connection allowed is busy.
            busy.sendall(request(method="POST", extra="Expect: 100-continue\r\n").replace(b"Length: 0", b"Length: 9"))
            assert busy.recv(100) == b"HTTP/1.1 100 Continue\r\n\r\n"  # a worker has it, waiting for the body
            with socket.create_connection(address(server), timeout=5) as refused:
                refused.sendall(request())
                status, body = read_response(refused)
        assert status == 503
        assert "connections are busy" in json.loads(body)["message"]
        for _ in range(500):  # the worker notices that the busy client went away
            if server.open_connections == 0:
                break
            time.sleep(0.01)
        assert real_client_gets_an_answer(server) == 200


def malformed_requests() -> list[tuple[str, bytes]]:
    long = "x" * 70_000
    cases: dict[str, bytes] = {
        "not http": b"THIS IS NOT HTTP\r\n\r\n",
        "empty request line": b"\r\n\r\n",
        "two words": b"GET /collaborations\r\n\r\n",
        "four words": b"GET /collaborations HTTP/1.1 extra\r\n\r\n",
        "http/2.0": b"GET /collaborations HTTP/2.0\r\n\r\n",
        "http/0.9": b"GET /collaborations HTTP/0.9\r\n\r\n",
        "lower-case version": b"GET /collaborations http/1.1\r\n\r\n",
        "tab separated": b"GET\t/collaborations\tHTTP/1.1\r\n\r\n",
        "nul in request line": b"GET /coll\x00aborations HTTP/1.1\r\n\r\n",
        "request line over 64 kB": f"GET /{long} HTTP/1.1\r\n\r\n".encode(),
        "header without colon": b"GET /collaborations HTTP/1.1\r\nHost x\r\n\r\n",
        "space before colon": b"GET /collaborations HTTP/1.1\r\nHost : x\r\n\r\n",
        "folded header": b"GET /collaborations HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n",
        "header over 64 kB": f"GET /collaborations HTTP/1.1\r\nX-Big: {long}\r\n\r\n".encode(),
        "101 header fields": b"GET /collaborations HTTP/1.1\r\n"
        + b"".join(b"X-%d: y\r\n" % i for i in range(101))
        + b"\r\n",
        "nul in header": b"GET /collaborations HTTP/1.1\r\nX-A: \x00\r\n\r\n",
        "utf-8 header name": "GET /collaborations HTTP/1.1\r\nX-é: y\r\n\r\n".encode(),
        "content-length negative": b"POST /collaborations HTTP/1.1\r\nContent-Length: -1\r\n\r\n",
        "content-length hex": b"POST /collaborations HTTP/1.1\r\nContent-Length: 0x10\r\n\r\n",
        "content-length plus": b"POST /collaborations HTTP/1.1\r\nContent-Length: +2\r\n\r\n{}",
        "content-length words": b"POST /collaborations HTTP/1.1\r\nContent-Length: two\r\n\r\n",
        "content-length huge digits": b"POST /collaborations HTTP/1.1\r\nContent-Length: " + b"9" * 5000 + b"\r\n\r\n",
        "content-length over the cap": b"POST /collaborations HTTP/1.1\r\nContent-Length: 2000000\r\n\r\n",
        "content-length unicode digits": "POST /collaborations HTTP/1.1\r\nContent-Length: \u0661\r\n\r\n{".encode(),
        "chunk size not hex": b"POST /collaborations HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        "chunk size negative": b"POST /collaborations HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n-5\r\n",
        "chunk size too long": b"POST /collaborations HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
        + b"f" * 20
        + b"\r\n",
        "chunks over the cap": b"POST /collaborations HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n200000\r\n",
        "chunked with extension": (
            "POST /collaborations HTTP/1.1\r\nTransfer-Encoding: chunked\r\n" + AUTH + "\r\n2;x=y\r\n{}\r\n0\r\n\r\n"
        ).encode(),
    }
    bodies = {
        "json syntax": b"{",
        "json array": b"[]",
        "json string": b'"x"',
        "json number": b"1e999999",
        "json null": b"null",
        "deep nesting": b"[" * 100_000 + b"]" * 100_000,
        "deep objects": b'{"a":' * 5_000 + b"1" + b"}" * 5_000,
        "invalid utf-8": b'{"name": "\xff\xfe"}',
        "lone surrogate": b'{"name": "\\ud800"}',
        "nul in json": b'{"name": "a\x00b"}',
        "duplicate keys": b'{"name": "a", "name": 1}',
        "huge integer": b'{"name": ' + b"9" * 5000 + b"}",
        "wrong types": b'{"name": 1, "members": "x", "creatorMemberAbilities": {}, "queryLogStatus": []}',
        "bom": b'\xef\xbb\xbf{"name": "x"}',
        "utf-16": '{"name": "x"}'.encode("utf-16"),
        "trailing garbage": b'{"name": "x"} trailing',
    }
    for name, body in bodies.items():
        cases[f"body: {name}"] = request(method="POST", body=body)
        cases[f"update body: {name}"] = request(
            "/collaborations/0b7c2a7e-1f40-4d8e-9a5e-4b2f8c1d3e5f", method="PATCH", body=body
        )
    paths = {
        "double slash": "//collaborations",
        "bad percent": "/collaborations/%ZZ",
        "dot segments": "/collaborations/../../etc/passwd",
        "path over 8 kB": "/collaborations/" + "a" * 9000,
        "query junk": "/collaborations?maxResults=%&nextToken=%E0%A4%A",
        "max results text": "/collaborations?maxResults=many",
        "max results huge": "/collaborations?maxResults=" + "9" * 400,
        "asterisk": "*",
        "absolute form": "http://x/collaborations",
        "encoded unicode": "/collaborations/%F0%9F%98%80",
        "encoded nul": "/collaborations/%00",
    }
    for name, path in paths.items():
        cases[f"path: {name}"] = request(path)
    for method in ("PUT", "OPTIONS", "TRACE", "CONNECT", "BREW", "get"):
        cases[f"method {method}"] = request(method=method)
    auths = {
        "empty": "",
        "scheme only": "AWS4-HMAC-SHA256",
        "empty credential": "AWS4-HMAC-SHA256 Credential=, SignedHeaders=host, Signature=0",
        "unicode credential": "AWS4-HMAC-SHA256 Credential=ü/x, SignedHeaders=host, Signature=0",
        "huge": "AWS4-HMAC-SHA256 Credential=" + "1" * 60_000,
    }
    for name, value in auths.items():
        cases[f"authorization {name}"] = (
            f"GET /collaborations HTTP/1.1\r\nHost: x\r\nAuthorization: {value}\r\n\r\n".encode()
        )
    return list(cases.items())


MALFORMED = malformed_requests()


def test_no_malformed_request_gets_a_5xx(server: ReferenceServer) -> None:
    answers: dict[str, int] = {}
    for name, raw in MALFORMED:
        with socket.create_connection(address(server), timeout=5) as sock:
            sock.sendall(raw)
            answers[name] = read_response(sock)[0]
    server_errors = {name: status for name, status in answers.items() if status >= 500}
    unanswered = [name for name, status in answers.items() if status == 0]
    assert len(answers) >= 78
    assert server_errors == {}
    assert unanswered == []
    assert real_client_gets_an_answer(server) == 200
