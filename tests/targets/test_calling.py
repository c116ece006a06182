"""How ``call()`` classifies what a target did, against servers that misbehave on purpose."""

from __future__ import annotations

import hashlib
import re
import threading
import time
from collections.abc import Iterator

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from conformance.targets import RequestBuildError, RunningTarget, TargetError, Timeouts, parse_target, start_target
from conformance.targets.actors import DUMMY_SECRET

from .misbehaving import CannedResponse, MisbehavingServer, SeenRequest

COLLAB = "0b7c2a7e-1f40-4d8e-9a5e-4b2f8c1d3e5f"
CREATE = {
    "name": "n",
    "members": [],
    "creatorMemberAbilities": [],
    "creatorDisplayName": "c",
    "queryLogStatus": "DISABLED",
}


def target_for(server: MisbehavingServer, read: float = 5.0) -> RunningTarget:
    return start_target(parse_target(server.url, timeouts=Timeouts(connect=1.0, read=read)))


@pytest.fixture
def ok_server() -> Iterator[MisbehavingServer]:
    with MisbehavingServer("ok") as server:
        yield server


def test_success_is_parsed_without_response_metadata(ok_server: MisbehavingServer) -> None:
    with target_for(ok_server) as target:
        result = target.call("creator", "ListCollaborations", {"maxResults": 1})
    assert result.ok
    assert result.parsed == {}
    assert result.exchange is not None
    assert (result.exchange.operation, result.exchange.method, result.status) == ("ListCollaborations", "GET", 200)
    assert result.exchange.url == f"{ok_server.url}/collaborations?maxResults=1"
    assert "authorization" not in {k.lower() for k in result.exchange.request_headers}
    assert result.duration_s > 0


def test_hanging_server_gives_a_read_timeout_within_the_read_timeout() -> None:
    with MisbehavingServer("hang") as server, target_for(server, read=0.5) as target:
        start = time.perf_counter()
        result = target.call("creator", "GetCollaboration", {"collaborationIdentifier": COLLAB})
        elapsed = time.perf_counter() - start
    assert result.transport_error is not None
    assert result.transport_error.startswith("ReadTimeoutError: Read timeout on endpoint URL")
    assert 0.4 < elapsed < 1.5
    assert result.status == 0
    assert result.exchange is not None
    assert result.exchange.operation == "GetCollaboration"
    assert len(server.requests) == 1  # no retry after the timeout


def test_dropped_connection_is_a_transport_error() -> None:
    with MisbehavingServer("drop") as server, target_for(server) as target:
        result = target.call("creator", "GetCollaboration", {"collaborationIdentifier": COLLAB})
    assert result.transport_error is not None
    assert result.transport_error.startswith("ConnectionClosedError: Connection was closed before we received")
    assert (result.parsed, result.error_code, result.status) == (None, None, 0)
    assert len(server.requests) == 1


def test_non_json_success_is_unparseable_not_an_empty_result() -> None:
    # botocore itself turns a non-JSON 200 into an empty parsed result; call() must not hide that.
    with MisbehavingServer("non-json") as server, target_for(server) as target:
        result = target.call("creator", "GetCollaboration", {"collaborationIdentifier": COLLAB})
    assert result.transport_error is not None
    assert result.transport_error.startswith("unparseable response: HTTP 200 body is not JSON (text/html)")
    assert result.parsed is None
    assert result.exchange is not None
    assert result.exchange.response_body.startswith(b"<html>")


@pytest.mark.parametrize(
    ("body", "text"),
    [
        (b"[1, 2]", "unparseable response: AttributeError: 'list' object has no attribute 'get'"),
        (
            b'{"collaboration": {"createTime": "garbage"}}',
            'unparseable response: ValueError: Invalid timestamp "garbage"',
        ),
    ],
)
def test_bodies_botocore_cannot_parse_keep_the_raw_response(body: bytes, text: str) -> None:
    with MisbehavingServer("canned", response=CannedResponse(body=body)) as server, target_for(server) as target:
        result = target.call("creator", "GetCollaboration", {"collaborationIdentifier": COLLAB})
    assert result.transport_error is not None
    assert result.transport_error.startswith(text)
    assert result.exchange is not None
    assert (result.exchange.status, result.exchange.response_body) == (200, body)
    assert result.exchange.response_headers["content-type"] == "application/json"


def test_status_500_is_one_exchange_with_the_error_code() -> None:
    with MisbehavingServer("status-500") as server, target_for(server) as target:
        result = target.call("creator", "ListCollaborations", {})
    assert result.error_code == "InternalServerException"
    assert result.status == 500
    assert result.error is not None
    assert result.error["Error"]["Message"] == "boom"
    assert "ResponseMetadata" not in result.error
    assert len(server.requests) == 1  # botocore did not retry


def test_html_error_page_gives_the_status_as_code() -> None:
    page = CannedResponse(status=404, body=b"<html>Not Found</html>", headers={"Content-Type": "text/html"})
    with MisbehavingServer("canned", response=page) as server, target_for(server) as target:
        result = target.call("creator", "ListCollaborations", {})
    assert (result.error_code, result.status, result.transport_error) == ("404", 404, None)


def test_wrong_status_and_missing_fields_are_left_to_the_checkers() -> None:
    # botocore accepts any 2xx and any subset of members; the model layer's wire and shape checks judge them.
    with MisbehavingServer("wrong-status") as server, target_for(server) as target:
        result = target.call("creator", "ListCollaborations", {})
    assert result.ok
    assert result.status == 202
    with MisbehavingServer("missing-field") as server, target_for(server) as target:
        result = target.call("creator", "GetCollaboration", {"collaborationIdentifier": COLLAB})
    assert result.ok
    assert result.parsed == {"collaboration": {"id": COLLAB, "name": "partial"}}


def verify_sigv4(seen: SeenRequest, base_url: str, secret: str) -> bool:
    """Recompute the request's SigV4 signature server-side, over the bytes the server received."""
    match = re.fullmatch(
        r"AWS4-HMAC-SHA256 Credential=([^/]+)/\d{8}/([^/]+)/([^/]+)/aws4_request, "
        r"SignedHeaders=([^,]+), Signature=([0-9a-f]{64})",
        seen.headers["authorization"],
    )
    assert match is not None, seen.headers["authorization"]
    key, region, service, signed, signature = match.groups()
    headers = {name: seen.headers[name] for name in signed.split(";")}
    request = AWSRequest(method=seen.method, url=base_url + seen.path, headers=headers, data=seen.body)
    request.context["timestamp"] = seen.headers["x-amz-date"]
    signer = SigV4Auth(Credentials(key, secret), service, region)
    canonical = signer.canonical_request(request)
    assert canonical.endswith(hashlib.sha256(seen.body).hexdigest())  # the payload hash covers the body
    return bool(signer.signature(signer.string_to_sign(request, canonical), request) == signature)


def test_raw_body_is_sent_byte_exact_and_signed(ok_server: MisbehavingServer) -> None:
    raw = b'{"name": "x", "members": [ \xff'  # malformed JSON and not even UTF-8
    with target_for(ok_server) as target:
        result = target.call("creator", "CreateCollaboration", CREATE, raw_body=raw)
        after = target.call("creator", "CreateCollaboration", CREATE)
    assert result.ok
    assert after.ok
    first, second = ok_server.requests
    assert (first.method, first.path, first.body) == ("POST", "/collaborations", raw)
    assert first.headers["content-length"] == str(len(raw))
    assert result.exchange is not None
    assert result.exchange.request_body == raw
    assert verify_sigv4(first, ok_server.url, DUMMY_SECRET)
    # The override is one-shot: the next request is the normal serialization.
    assert second.body.startswith(b'{"name": "n"')
    assert verify_sigv4(second, ok_server.url, DUMMY_SECRET)
    # The check is real: a body other than the signed one fails it.
    tampered = SeenRequest(first.method, first.path, first.headers, first.body + b" ")
    assert not verify_sigv4(tampered, ok_server.url, DUMMY_SECRET)


def test_raw_body_override_is_per_thread(ok_server: MisbehavingServer) -> None:
    with target_for(ok_server) as target:
        target.client("creator")  # create before the threads start

        def raw_posts() -> None:
            for _ in range(15):
                target.call("creator", "CreateCollaboration", CREATE, raw_body=b"RAW")

        def plain_gets() -> None:
            for _ in range(15):
                target.call("creator", "ListCollaborations", {})

        threads = [threading.Thread(target=raw_posts), threading.Thread(target=plain_gets)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    posts = [r.body for r in ok_server.requests if r.method == "POST"]
    gets = [r.body for r in ok_server.requests if r.method == "GET"]
    assert posts == [b"RAW"] * 15
    assert gets == [b""] * 15


def test_unknown_operation_and_parameters_are_caller_errors(ok_server: MisbehavingServer) -> None:
    with target_for(ok_server) as target:
        with pytest.raises(TargetError, match=r"unknown Clean Rooms operation 'GetCollab'.*did you mean"):
            target.call("creator", "GetCollaboration".replace("oration", ""), {})
        with pytest.raises(RequestBuildError, match=r"ListCollaborations has no parameter 'limit'; its parameters"):
            target.call("creator", "ListCollaborations", {"limit": 1})
        with pytest.raises(RequestBuildError, match=r"could not build the CreateCollaboration request .* KeyError"):
            target.call("creator", "CreateCollaboration", {**CREATE, "members": [{"bogus": 1}]})
        with pytest.raises(RequestBuildError, match="raw_body of CreateCollaboration must be bytes"):
            target.call("creator", "CreateCollaboration", CREATE, raw_body="text")  # type: ignore[arg-type]
    assert ok_server.requests == ()  # nothing reached the wire


def test_invalid_values_are_sent_not_validated_client_side(ok_server: MisbehavingServer) -> None:
    with target_for(ok_server) as target:
        result = target.call("creator", "ListCollaborations", {"maxResults": 0})
        bad = target.call("creator", "GetCollaboration", {"collaborationIdentifier": "short"})
    assert result.ok
    assert bad.ok
    assert [r.path for r in ok_server.requests] == ["/collaborations?maxResults=0", "/collaborations/short"]
