"""The HTTP front: framing, keep-alive, identity, unknown operations, start/stop, concurrency (real sockets)."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import pytest

from conformance.model.wire import check_wire
from conformance.reference import ReferenceServer

from .support import (
    CREATOR,
    MEMBER,
    Actors,
    act,
    actors,
    change_request,
    create_collaboration,
    fresh_account,
    join,
    member_change,
)

COLLECTION = "/collaborations"


def authorization(access_key: str) -> str:
    """A well-formed SigV4 header; the emulator reads the access key id and never checks the signature."""
    scope = f"{access_key}/20260101/us-east-1/cleanrooms/aws4_request"
    return f"AWS4-HMAC-SHA256 Credential={scope}, SignedHeaders=host, Signature={'0' * 64}"


def connect(url: str) -> http.client.HTTPConnection:
    parts = urlsplit(url)
    return http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=5)


def send(
    conn: http.client.HTTPConnection,
    method: str,
    path: str,
    body: bytes = b"",
    *,
    account: str | None = CREATOR,
    headers: dict[str, str] | None = None,
) -> tuple[int, dict[str, str], bytes]:
    fields = {"Content-Type": "application/json", **(headers or {})}
    if account is not None:
        fields["Authorization"] = authorization(account)
    conn.request(method, path, body=body, headers=fields)
    response = conn.getresponse()
    data = response.read()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, data


def test_binds_loopback_by_default(server: ReferenceServer) -> None:
    assert urlsplit(server.url).hostname == "127.0.0.1"


def test_success_and_error_framing_over_one_keep_alive_connection(server: ReferenceServer) -> None:
    conn = connect(server.url)
    status, headers, body = send(conn, "GET", COLLECTION)
    assert status == 200
    assert headers["content-type"] == "application/json"
    assert int(headers["content-length"]) == len(body)
    assert headers["x-amzn-requestid"]
    assert "connection" not in headers  # HTTP/1.1 keep-alive is the default
    local = conn.sock.getsockname()
    status, headers, body = send(conn, "GET", f"{COLLECTION}/not-a-uuid")
    assert status == 400
    assert headers["x-amzn-errortype"] == "ValidationException"
    assert json.loads(body)["reason"] == "FIELD_VALIDATION_FAILED"
    assert conn.sock.getsockname() == local  # the same connection served both
    assert check_wire("GetCollaboration", status, headers, body) == []
    conn.close()


def test_delete_answers_204_with_an_empty_body(server: ReferenceServer, who: Actors) -> None:
    collab = create_collaboration(who.creator, [])
    conn = connect(server.url)
    status, headers, body = send(conn, "DELETE", f"{COLLECTION}/{collab['id']}")
    assert (status, body, headers["content-length"]) == (204, b"", "0")
    conn.close()


def test_timestamps_are_epoch_second_numbers_with_millisecond_precision(server: ReferenceServer, who: Actors) -> None:
    collab = create_collaboration(who.creator, [])
    conn = connect(server.url)
    _, _, body = send(conn, "GET", f"{COLLECTION}/{collab['id']}")
    created = json.loads(body)["collaboration"]["createTime"]
    assert isinstance(created, float)
    assert abs(created - time.time()) < 60
    assert round(created, 3) == created
    conn.close()


def test_head_gets_headers_only(server: ReferenceServer) -> None:
    conn = connect(server.url)
    status, headers, body = send(conn, "HEAD", COLLECTION)
    assert status == 404  # no operation takes HEAD
    assert body == b""
    assert int(headers["content-length"]) > 0
    assert send(conn, "GET", COLLECTION)[0] == 200  # the connection is still in step
    conn.close()


def test_chunked_bodies_are_read(server: ReferenceServer) -> None:
    payload = json.dumps(
        {
            "name": "chunked",
            "members": [],
            "creatorMemberAbilities": [],
            "creatorDisplayName": "c",
            "queryLogStatus": "DISABLED",
        }
    ).encode()
    conn = connect(server.url)
    conn.putrequest("POST", COLLECTION)
    conn.putheader("Authorization", authorization(CREATOR))
    conn.putheader("Transfer-Encoding", "chunked")
    conn.endheaders()
    for start in range(0, len(payload), 16):
        piece = payload[start : start + 16]
        conn.send(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
    conn.send(b"0\r\n\r\n")
    response = conn.getresponse()
    assert response.status == 200
    assert json.loads(response.read())["collaboration"]["name"] == "chunked"
    conn.close()


@pytest.mark.parametrize(
    ("account", "code"),
    [
        (None, "MissingAuthenticationTokenException"),
        ("AKIDNOTDIGITS", "UnrecognizedClientException"),
        ("12345", "UnrecognizedClientException"),
    ],
)
def test_identity_comes_from_a_12_digit_access_key(server: ReferenceServer, account: str | None, code: str) -> None:
    conn = connect(server.url)
    status, headers, body = send(conn, "GET", COLLECTION, account=account)
    assert status == 403
    assert headers["x-amzn-errortype"] == code
    if code == "UnrecognizedClientException":
        assert "12 digits" in json.loads(body)["message"]
    assert check_wire("ListCollaborations", status, headers, body) == []
    conn.close()


def test_a_header_that_is_not_sigv4_is_an_incomplete_signature(server: ReferenceServer) -> None:
    conn = connect(server.url)
    status, headers, _ = send(conn, "GET", COLLECTION, account=None, headers={"Authorization": "Basic dXNlcg=="})
    assert (status, headers["x-amzn-errortype"]) == (403, "IncompleteSignature")
    conn.close()


@pytest.mark.parametrize(
    ("method", "path", "named"),
    [
        ("GET", f"{COLLECTION}/00000000-0000-4000-8000-000000000000/schemas", "ListSchemas"),
        ("POST", "/configuredTables", "CreateConfiguredTable"),
        ("PUT", COLLECTION, "ListCollaborations"),  # a known path with a wrong method
        ("GET", "/nothing/here", None),
    ],
)
def test_other_requests_are_unknown_operations(
    server: ReferenceServer, method: str, path: str, named: str | None
) -> None:
    conn = connect(server.url)
    status, headers, body = send(conn, method, path, b"{}")
    assert status == 404
    assert headers["x-amzn-errortype"] == "UnknownOperationException"
    message = json.loads(body)["message"]
    if named is not None:
        assert named in message
    if method == "GET" and named:
        assert "does not implement" in message
    conn.close()


def test_a_malformed_request_line_gets_a_json_400_and_a_closed_connection(server: ReferenceServer) -> None:
    parts = urlsplit(server.url)
    with socket.create_connection((parts.hostname, parts.port), timeout=5) as raw:
        raw.sendall(b"THIS IS NOT HTTP\r\n\r\n")
        answer = b""
        while chunk := raw.recv(4096):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400 ")
    assert b"Connection: close" in head
    assert json.loads(body)["message"].startswith("Malformed request line")


def test_bad_content_length_closes_the_connection(server: ReferenceServer) -> None:
    parts = urlsplit(server.url)
    with socket.create_connection((parts.hostname, parts.port), timeout=5) as raw:
        raw.sendall(b"POST /collaborations HTTP/1.1\r\nHost: x\r\nContent-Length: 9" + b"9" * 5000 + b"\r\n\r\n")
        answer = b""
        while chunk := raw.recv(4096):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 400 ")
    assert b"MalformedHttpRequestException" in answer


def test_stop_ends_open_keep_alive_connections() -> None:
    server = ReferenceServer()
    url = server.start()
    assert server.start() == url  # idempotent
    conn = connect(url)
    assert send(conn, "GET", COLLECTION)[0] == 200
    began = time.perf_counter()
    server.stop()
    assert time.perf_counter() - began < 2
    with pytest.raises(RuntimeError, match="not started"):
        _ = server.url
    with pytest.raises((ConnectionError, http.client.HTTPException, OSError)):
        send(conn, "GET", COLLECTION)
    conn.close()
    server.stop()  # stopping twice is harmless


def test_reset_drops_all_state() -> None:
    with ReferenceServer() as server:
        who = actors(server.url)
        create_collaboration(who.creator, [MEMBER])
        server.reset()
        assert who.creator.list_collaborations()["collaborationList"] == []
        assert who.member.list_collaborations()["collaborationList"] == []


def test_serve_forever_reports_ready_and_stops_on_ctrl_c() -> None:
    code = (
        "from conformance.reference import EmulatorConfig, serve_forever\n"
        "serve_forever('127.0.0.1', 0, EmulatorConfig(), ready=lambda url: print(url, flush=True))\n"
        "print('stopped', flush=True)\n"
    )
    process = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:")
        conn = connect(url)
        assert send(conn, "GET", COLLECTION)[0] == 200
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0
        assert process.stdout.read().strip() == "stopped"
        conn.close()
    finally:
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()


def test_eight_threads_create_and_approve_without_losing_anything(server: ReferenceServer, who: Actors) -> None:
    voters = [fresh_account() for _ in range(2)]
    collab = create_collaboration(who.creator, [MEMBER, *voters])
    for account in (MEMBER, *voters):
        join(who.as_account(account), collab["id"])
    per_thread = 6

    def work(_: int) -> list[str]:
        mine = actors(server.url)  # each thread its own clients
        voter_clients = [mine.member, *(mine.as_account(a) for a in voters)]
        done: list[str] = []
        for _ in range(per_thread):
            request = change_request(mine.creator, collab["id"], member_change(fresh_account(), name="t"))
            for voter in voter_clients:
                act(voter, collab["id"], request["id"], "APPROVE")
            done.append(request["id"])
        return done

    with ThreadPoolExecutor(max_workers=8) as pool:
        made = [rid for ids in pool.map(work, range(8)) for rid in ids]
    assert len(set(made)) == 8 * per_thread
    listed = who.creator.get_paginator("list_collaboration_change_requests").paginate(
        collaborationIdentifier=collab["id"]
    )
    summaries = [s for page in listed for s in page["collaborationChangeRequestSummaries"]]
    assert sorted(s["id"] for s in summaries) == sorted(made)
    assert {s["status"] for s in summaries} == {"APPROVED"}
    assert all(set(s["approvals"]) == {MEMBER, *voters} for s in summaries)
    times = [s["createTime"] for s in summaries]
    assert times == sorted(times)
    assert len(set(times)) == len(times)  # the store clock never repeats a timestamp


def _raw_exchange(server: ReferenceServer, data: bytes, responses: int) -> list[bytes]:
    """Send ``data`` on one connection and read ``responses`` Content-Length-framed responses."""
    parts = urlsplit(server.url)
    found: list[bytes] = []
    with socket.create_connection((parts.hostname, parts.port), timeout=5) as raw:
        raw.sendall(data)
        buffer = b""
        while len(found) < responses:
            while b"\r\n\r\n" not in buffer:
                buffer += raw.recv(65536)
            head, _, buffer = buffer.partition(b"\r\n\r\n")
            length = int(head.lower().split(b"content-length:")[1].split(b"\r\n")[0])
            while len(buffer) < length:
                buffer += raw.recv(65536)
            found.append(head.split(b"\r\n")[0])
            buffer = buffer[length:]
    return found


def test_pipelined_requests_and_bare_lf_heads_are_each_answered(server: ReferenceServer) -> None:
    auth = f"Authorization: {authorization(CREATOR)}"
    crlf = f"GET {COLLECTION} HTTP/1.1\r\nHost: x\r\n{auth}\r\n\r\n".encode()
    bare = f"GET {COLLECTION} HTTP/1.1\nHost: x\n{auth}\n\n".encode()
    assert _raw_exchange(server, crlf + bare + crlf, 3) == [b"HTTP/1.1 200 OK"] * 3


def test_a_body_larger_than_the_dispatcher_buffers_is_read_by_the_worker(server: ReferenceServer) -> None:
    body = json.dumps({"name": "x" * 200_000}).encode()
    head = f"POST {COLLECTION} HTTP/1.1\r\nHost: x\r\nAuthorization: {authorization(CREATOR)}\r\n"
    request = (head + f"Content-Length: {len(body)}\r\n\r\n").encode() + body
    (status_line,) = _raw_exchange(server, request, 1)
    assert status_line.startswith(b"HTTP/1.1 400 ")  # a validation error: the whole body was read and judged
