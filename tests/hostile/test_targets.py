"""Hostile targets at the call: every call ends by its deadline, reads at most the size cap, and says which broke.

Real servers on loopback (``tests/targets/misbehaving.py``) trickle, stream without end, announce a gigabyte or
close early. Each server would keep going far longer than the deadline (or send far more than the cap), so on
code without the limits these tests fail on the outcome, not by hanging.
"""

from __future__ import annotations

import gzip
import json
import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import botocore.session
import pytest
import requests

from conformance.model.exchange import CallResult
from conformance.targets import RunningTarget, Timeouts, parse_target, probe, start_target
from conformance.targets.bounded import ResponseLimitError
from conformance.targets.bounded_requests import BoundedSession, ResponseLimitExceeded
from conformance.targets.clients import aws_client
from conformance.targets.spec import (
    DEFAULT_CALL_DEADLINE,
    DEFAULT_MAX_RESPONSE_BYTES,
    TargetSpec,
)
from tests.targets.misbehaving import CannedResponse, MisbehavingServer, SeenRequest, StreamedResponse

MiB = 1024 * 1024
FAST = Timeouts(connect=1.0, read=5.0, deadline=1.0)
"""A read timeout the trickles below never reach (a byte every 0.2 s), and a deadline they all break."""


@contextmanager
def target(server: MisbehavingServer, timeouts: Timeouts = FAST) -> Iterator[RunningTarget]:
    with start_target(parse_target(server.url, timeouts=timeouts)) as running:
        yield running


def list_call(running: RunningTarget) -> CallResult:
    return running.call("creator", "ListCollaborations", {"maxResults": 1})


def test_the_defaults_are_a_minute_and_8_mib() -> None:
    assert (60.0, 8 * MiB) == (DEFAULT_CALL_DEADLINE, DEFAULT_MAX_RESPONSE_BYTES)
    assert Timeouts() == Timeouts(connect=5.0, read=15.0, deadline=60.0, max_response_bytes=8 * MiB)


@pytest.mark.parametrize("declared", [4000, None], ids=["content-length", "until-close"])
def test_a_trickling_body_ends_at_the_deadline_as_an_error(declared: int | None) -> None:
    # 40 pieces, one every 0.2 s: 8 s of a body whose every byte comes well within the 5 s read timeout.
    trickle = StreamedResponse(declared_length=declared, first=b'{"collaborationList": [', interval=0.2, pieces=40)
    with MisbehavingServer("stream", stream=trickle) as server, target(server) as running:
        result = list_call(running)

    assert result.transport_error is not None
    assert result.transport_error.startswith("the response was still arriving after 1 s: HTTP 200, "), result
    assert "raise --call-deadline" in result.transport_error
    assert result.parsed is None
    assert result.error_code is None
    # What did arrive is kept as evidence.
    assert result.status == 200
    assert result.exchange is not None
    assert result.exchange.response_body.startswith(b'{"collaborationList": [')
    assert server.pieces_sent
    assert server.pieces_sent[0] < 40


def test_an_announced_gigabyte_is_refused_without_reading_it() -> None:
    gigabyte = StreamedResponse(declared_length=1024 * MiB, first=b"{", interval=0.05, pieces=100)
    with MisbehavingServer("stream", stream=gigabyte) as server, target(server, Timeouts()) as running:
        result = list_call(running)

    assert result.transport_error == (
        "the response body exceeded 8 MiB: HTTP 200 announces 1,073,741,824 bytes (Content-Length); "
        "raise --max-response-bytes (max_response_bytes in the target config) if the answer is right"
    )
    assert result.status == 200


def test_an_endless_body_is_cut_at_the_cap() -> None:
    # 400 pieces of 64 KiB (25 MiB) with no length: only closing the connection would end it.
    endless = StreamedResponse(first=b'{"collaborationList": [', piece=b" " * 65536, pieces=400)
    with MisbehavingServer("stream", stream=endless) as server:
        with target(server, Timeouts(max_response_bytes=MiB)) as running:
            result = list_call(running)
        assert result.transport_error is not None
        assert result.transport_error.startswith("the response body exceeded 1 MiB: HTTP 200 sent more than 1,048,576")
        assert result.exchange is not None
        assert len(result.exchange.response_body) == MiB
    assert server.pieces_sent[0] < 400


def test_a_body_cut_short_is_an_error_not_a_shorter_answer() -> None:
    # `{}` is a whole JSON object; without the Content-Length check it passed as an empty answer.
    cut = StreamedResponse(declared_length=1000, first=b"{}", pieces=0)
    with MisbehavingServer("stream", stream=cut) as server, target(server) as running:
        result = running.call("creator", "GetCollaboration", {"collaborationIdentifier": "0" * 36})

    assert result.transport_error == (
        "the response body was cut short: HTTP 200 announces 1,000 bytes (Content-Length), "
        "2 arrived before the connection closed"
    )
    assert not result.ok


def test_a_broken_chunked_body_is_a_closed_connection() -> None:
    chunked = StreamedResponse(
        headers={"Content-Type": "application/json", "Transfer-Encoding": "chunked"}, first=b"2\r\n{}\r\n", pieces=0
    )
    with MisbehavingServer("stream", stream=chunked) as server, target(server) as running:
        result = list_call(running)

    assert result.transport_error is not None
    assert result.transport_error.startswith("ConnectionClosedError"), result.transport_error


def test_a_normal_answer_after_an_oversized_one_reads_cleanly() -> None:
    """The half-read connection of the refused answer is closed, never handed to the next call."""
    big = b'{"collaborationList": [' + b" " * (2 * MiB) + b"]}"
    answers = iter([CannedResponse(body=big), CannedResponse(body=b'{"collaborationList": []}')])

    def route(request: SeenRequest) -> CannedResponse:
        return next(answers)

    with MisbehavingServer("routed", route=route) as server, target(server, Timeouts(max_response_bytes=MiB)) as t:
        first, second = list_call(t), list_call(t)

    assert first.transport_error is not None
    assert "exceeded 1 MiB" in first.transport_error
    assert second.ok
    assert second.parsed == {"collaborationList": []}


def test_an_answer_within_the_limits_is_read_whole() -> None:
    body = b'{"collaborationList": [], "nextToken": "' + b"t" * 10_000 + b'"}'
    with MisbehavingServer("canned", response=CannedResponse(body=body)) as server, target(server) as running:
        result = list_call(running)

    assert result.ok
    assert result.exchange is not None
    assert result.exchange.response_body == body


def test_the_probe_obeys_the_deadline() -> None:
    # A target that answers and never finishes is reachable (only broken): the probe lets the run go on, and
    # returns at the deadline rather than when the body ends.
    trickle = StreamedResponse(declared_length=4000, first=b"{", interval=0.2, pieces=40)
    with MisbehavingServer("stream", stream=trickle) as server, target(server) as running:
        probe(running)
        assert server.pieces_sent == () or server.pieces_sent[0] < 40


def test_clients_for_real_aws_are_bounded_too() -> None:
    """aws targets (and the STS and cleanup clients) are built by aws_client: the same limits apply."""
    session = botocore.session.Session()
    session.set_credentials("AKIA" + "X" * 16, "s" * 40)
    trickle = StreamedResponse(declared_length=4000, first=b"{", interval=0.2, pieces=40)
    with MisbehavingServer("stream", stream=trickle) as server:
        spec = TargetSpec(name="sandbox", kind="aws", endpoint=server.url, region="us-east-1", actors={}, timeouts=FAST)
        client = aws_client(spec, session)
        with pytest.raises(ResponseLimitError, match="still arriving after 1 s"):
            client.list_collaborations(maxResults=1)


# --- the requests session of the fuzz layer (schemathesis sends its own requests) ---------------------------


def test_the_requests_session_reads_within_the_same_limits() -> None:
    trickle = StreamedResponse(declared_length=4000, first=b"{", interval=0.2, pieces=40)
    endless = StreamedResponse(first=b"{", piece=b" " * 65536, pieces=400)
    session = BoundedSession(Timeouts(connect=1.0, read=5.0, deadline=1.0, max_response_bytes=MiB))
    session.trust_env = False
    slow = "the response was still arriving after 1 s: HTTP 200"
    with MisbehavingServer("stream", stream=trickle) as server, pytest.raises(ResponseLimitExceeded, match=slow):
        session.get(server.url + "/collaborations")
    with MisbehavingServer("stream", stream=endless) as server:
        with pytest.raises(ResponseLimitExceeded, match="the response body exceeded 1 MiB"):
            session.get(server.url + "/collaborations")
        assert isinstance(ResponseLimitExceeded("x"), requests.RequestException)
    assert server.pieces_sent[0] < 400


def test_the_requests_session_gives_whole_decoded_answers_and_does_not_follow_redirects() -> None:
    body = json.dumps({"collaborationList": [{"name": "x" * 100}] * 50}).encode()
    headers = {"Content-Type": "application/json", "Content-Encoding": "gzip"}
    gzipped = CannedResponse(body=gzip.compress(body), headers=headers)
    moved = CannedResponse(status=301, body=b"", headers={"Location": "http://127.0.0.1:9/elsewhere"})
    session = BoundedSession(Timeouts())
    session.trust_env = False
    with MisbehavingServer("canned", response=gzipped) as server:
        response = session.get(server.url + "/collaborations")
        assert response.json() == json.loads(body)
        assert response.content == body
        again = session.get(server.url + "/collaborations")  # the connection went back to the pool whole
        assert again.content == body
    with MisbehavingServer("canned", response=moved) as server:
        assert session.get(server.url + "/collaborations").status_code == 301


# --- headers that trickle: only the watchdog ends the wait (conformance/targets/watchdog.py) ----------------

HEADER_TRICKLE = StreamedResponse(declared_length=2, first=b"{}", head_interval=1.0)
"""The status line at once, then a header byte a second: ~60 s of headers, each byte well within the read timeout."""
TWO_SECONDS = Timeouts(connect=1.0, read=5.0, deadline=2.0)
NO_COMPLETE_ANSWER = "no complete answer within the 2 s call deadline (--call-deadline)"


def test_trickling_headers_end_at_the_deadline_as_an_error() -> None:
    with MisbehavingServer("stream", stream=HEADER_TRICKLE) as server, target(server, TWO_SECONDS) as running:
        started = time.monotonic()
        result = list_call(running)
        elapsed = time.monotonic() - started
        # The connection the watchdog shut is not reused: the next call gets its own, and its own deadline.
        again = list_call(running)

    assert result.transport_error is not None
    assert result.transport_error.startswith(NO_COMPLETE_ANSWER), result.transport_error
    assert "raise --call-deadline" in result.transport_error
    assert result.parsed is None
    assert result.error_code is None
    assert result.status == 0  # nothing of an answer came that the suite could read
    assert 1.9 < elapsed < 3.0, elapsed
    assert again.transport_error is not None
    assert again.transport_error.startswith(NO_COMPLETE_ANSWER)


def test_the_probe_takes_trickling_headers_for_a_reachable_broken_target() -> None:
    with MisbehavingServer("stream", stream=HEADER_TRICKLE) as server, target(server, TWO_SECONDS) as running:
        started = time.monotonic()
        probe(running)  # no TargetError: the scenarios end as ERROR with the evidence, the run goes on
        assert time.monotonic() - started < 3.0


def test_trickling_headers_end_an_aws_client_call_at_the_deadline() -> None:
    session = botocore.session.Session()
    session.set_credentials("AKIA" + "X" * 16, "s" * 40)
    with MisbehavingServer("stream", stream=HEADER_TRICKLE) as server:
        spec = TargetSpec(
            name="sandbox", kind="aws", endpoint=server.url, region="us-east-1", actors={}, timeouts=TWO_SECONDS
        )
        client = aws_client(spec, session)
        started = time.monotonic()
        with pytest.raises(ResponseLimitError, match=re.escape(NO_COMPLETE_ANSWER)):
            client.list_collaborations(maxResults=1)
        assert time.monotonic() - started < 3.0


def test_trickling_headers_end_a_requests_session_call_at_the_deadline() -> None:
    session = BoundedSession(TWO_SECONDS)
    session.trust_env = False
    with MisbehavingServer("stream", stream=HEADER_TRICKLE) as server:
        started = time.monotonic()
        with pytest.raises(ResponseLimitExceeded, match=re.escape(NO_COMPLETE_ANSWER)):
            session.get(server.url + "/collaborations")
        assert time.monotonic() - started < 3.0
        ok = StreamedResponse(declared_length=2, first=b"{}", pieces=0)
    with MisbehavingServer("stream", stream=ok) as server:
        assert session.get(server.url + "/collaborations").content == b"{}"  # the session still works


def test_a_call_that_answers_in_time_is_not_touched_by_the_watchdog() -> None:
    """Many quick calls on one kept-alive connection: none is shut, and the heap of spent watches stays small."""
    from conformance.targets import watchdog

    body = b'{"collaborationList": []}'
    canned = CannedResponse(body=body)
    with MisbehavingServer("canned", response=canned) as server, target(server, Timeouts(deadline=0.5)) as running:
        results = [list_call(running) for _ in range(50)]
        time.sleep(0.6)  # every deadline has passed: a late watchdog would now shut the pooled connection
        results.append(list_call(running))
    assert all(r.ok for r in results), [r.transport_error for r in results if not r.ok]
    assert len(watchdog._WATCHDOG._heap) < 1100


# --- schemathesis sends its own requests: with the target's limits, not its defaults ------------------------


def test_schemathesis_reads_within_the_targets_limits(tmp_path: Path) -> None:
    """A 200 KiB answer is over this target's 64 KiB cap: a case ends as a transport error, not judged as read."""
    from botocore.credentials import Credentials

    from conformance.fuzz.profiles import budget, hypothesis_settings
    from conformance.fuzz.schemathesis_run import Signing, run_schemathesis
    from tests.fuzz.conftest import RUN_ID, campaign

    limits = Timeouts(max_response_bytes=64 * 1024)
    big = CannedResponse(body=b'{"collaborationList": [], "nextToken": "' + b"t" * 200_000 + b'"}')
    with (
        start_target(parse_target("reference", timeouts=limits), run_id=RUN_ID) as reference,
        MisbehavingServer("canned", response=big) as server,
    ):
        fuzz = campaign(reference, tmp_path, operations=["ListCollaborations"])
        signing = Signing(Credentials(reference.account_id("creator"), "conformance"), reference.spec.region)
        (tally,) = run_schemathesis(
            fuzz,
            endpoint_url=server.url,
            signing=signing,
            settings=hypothesis_settings(budget("quick"), examples=2),
            shrink_seconds=1,
        )
    # (A case whose URL is too long for the test server gets its small 414 and is judged as usual.)
    assert tally.errors >= 1
    assert "transport: ResponseLimitExceeded" in tally.note
    assert not any("t" * 1000 in problem.message for f in tally.findings for problem in f.problems)


@contextmanager
def trickling_tls_server() -> Iterator[str]:
    """Accepts, then sends a TLS record header announcing 16 KiB and one byte of it every 0.5 s."""
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve() -> None:
        connection, _ = listener.accept()
        with connection:
            try:
                connection.sendall(b"\x16\x03\x03\x40\x00")
                while not stop.wait(0.5):
                    connection.sendall(b"\x02")
            except OSError:  # the client gave up, as it should
                pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"https://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        listener.close()
        thread.join(timeout=5)


def test_a_trickling_tls_handshake_ends_at_the_deadline() -> None:
    """Python bounds a handshake by the connect timeout as a whole; a deadline shorter than that still wins."""
    limits = Timeouts(connect=5.0, read=5.0, deadline=2.0)
    with trickling_tls_server() as url, start_target(parse_target(url, timeouts=limits)) as running:
        started = time.monotonic()
        result = list_call(running)
        elapsed = time.monotonic() - started
    assert result.transport_error is not None
    assert result.transport_error.startswith(NO_COMPLETE_ANSWER), result.transport_error
    assert elapsed < 3.0, elapsed
