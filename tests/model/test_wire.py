from __future__ import annotations

import json
from typing import Any

import pytest

from conformance.model.service import operation
from conformance.model.violations import Violation, ViolationKind
from conformance.model.wire import check_wire, error_code_of
from tests.model.model_samples import COLLAB_ID, SAMPLE_OPERATIONS, wire

K = ViolationKind
HEADER = "X-Amzn-ErrorType"


def _summary(found: list[Violation]) -> set[tuple[str, ViolationKind, str]]:
    return {(v.path, v.kind, v.evidence) for v in found}


def _json(value: Any) -> bytes:
    return json.dumps(value).encode()


# --- error_code_of ------------------------------------------------------------------------------------------

FORMS = [
    "FooError",
    "FooError:http://internal.amazon.com/coral/com.amazon.coral.validate/",
    "aws.protocoltests.restjson#FooError",
    "aws.protocoltests.restjson#FooError:http://internal.amazon.com/coral/com.amazon.coral.validate/",
]


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("where", ["header", "code", "Code", "__type"])
def test_error_code_forms_all_name_the_bare_shape(form: str, where: str) -> None:
    if where == "header":
        assert error_code_of({HEADER: form}, b"{}") == "FooError"
    else:
        assert error_code_of({}, _json({where: form, "message": "m"})) == "FooError"


@pytest.mark.parametrize("name", ["x-amzn-errortype", "X-Amzn-Errortype", "X-AMZN-ERRORTYPE"])
def test_header_lookup_ignores_case(name: str) -> None:
    assert error_code_of({name: "ConflictException"}, b"") == "ConflictException"


@pytest.mark.parametrize(
    ("headers", "body", "expected"),
    [
        ({HEADER: "ConflictException"}, {"code": "ValidationException"}, "ConflictException"),
        ({HEADER: "ConflictException"}, "not json at all", "ConflictException"),
        ({}, {"code": "ValidationException", "__type": "ConflictException"}, "ValidationException"),
        ({}, {"Code": "ValidationException", "__type": "ConflictException"}, "ValidationException"),
        ({}, {"code": 7, "__type": "ns#ConflictException"}, "ConflictException"),
        ({HEADER: "  "}, {"__type": "ThrottlingException"}, "ThrottlingException"),
        ({"Content-Type": "application/json"}, {"message": "no name"}, None),
        ({}, ["ConflictException"], None),
        ({}, "<html>Bad Gateway</html>", None),
        ({}, "", None),
    ],
    ids=[
        "header-beats-body",
        "header-with-non-json-body",
        "code-beats-type",
        "Code-beats-type",
        "non-string-code-skipped",
        "blank-header-falls-back",
        "unnamed",
        "json-array",
        "html",
        "empty",
    ],
)
def test_error_code_precedence(headers: dict[str, str], body: object, expected: str | None) -> None:
    raw = body.encode() if isinstance(body, str) else _json(body)
    assert error_code_of(headers, raw) == expected


# --- check_wire: successes ----------------------------------------------------------------------------------


@pytest.mark.parametrize("op", SAMPLE_OPERATIONS)
def test_conformant_success_passes(op: str) -> None:
    status = operation(op).success_status
    body = b"" if status == 204 else _json(wire(op))
    assert check_wire(op, status, {"Content-Type": "application/json"}, body) == []


@pytest.mark.parametrize(
    ("op", "status"), [("DeleteCollaboration", 200), ("DeleteMember", 200), ("CreateCollaboration", 201)]
)
def test_wrong_success_status(op: str, status: int) -> None:
    found = check_wire(op, status, {}, b"")
    assert _summary(found) == {("", K.STATUS, "model")}
    assert f"HTTP {operation(op).success_status} in the model, got {status}" in found[0].message


def test_204_carries_no_content() -> None:
    assert _summary(check_wire("DeleteCollaboration", 204, {}, b"{}")) == {("", K.BODY, "model")}


@pytest.mark.parametrize("body", [b"<html><body>OK</body></html>", b"\xff\xfe{}", b'{"collaboration": '])
def test_success_body_must_be_json_and_is_quoted(body: bytes) -> None:
    found = check_wire("CreateCollaboration", 200, {}, body)
    assert _summary(found) == {("", K.BODY, "model")}
    assert repr(body[:20])[:-1] in found[0].message


def test_success_body_must_be_an_object() -> None:
    assert _summary(check_wire("CreateCollaboration", 200, {}, b"[]")) == {("", K.BODY, "model")}


def test_iso_string_timestamp_is_caught_on_the_wire() -> None:
    body = wire("GetCollaborationChangeRequest")
    body["collaborationChangeRequest"]["createTime"] = "2025-12-01T00:00:00Z"
    found = check_wire("GetCollaborationChangeRequest", 200, {}, _json(body))
    assert _summary(found) == {("collaborationChangeRequest.createTime", K.TIMESTAMP, "model")}


def test_timestamps_can_be_left_to_the_callers_shape_check() -> None:
    body = wire("GetCollaborationChangeRequest")
    body["collaborationChangeRequest"]["createTime"] = "2025-12-01T00:00:00Z"
    assert check_wire("GetCollaborationChangeRequest", 200, {}, _json(body), timestamps=False) == []
    assert _summary(check_wire("CreateCollaboration", 201, {}, b"[]", timestamps=False)) == {
        ("", K.STATUS, "model"),
        ("", K.BODY, "model"),
    }


def test_shape_violations_other_than_timestamps_are_left_to_check_output() -> None:
    body = wire("ListCollaborationChangeRequests")
    summary = body["collaborationChangeRequestSummaries"][0]
    summary["status"] = "MAYBE"
    summary["updateTime"] = 1764547200125  # milliseconds
    found = check_wire("ListCollaborationChangeRequests", 200, {}, _json(body))
    assert _summary(found) == {("collaborationChangeRequestSummaries[0].updateTime", K.TIMESTAMP, "model")}


# --- check_wire: errors -------------------------------------------------------------------------------------

NOT_FOUND = {"message": "no such change request", "resourceId": COLLAB_ID, "resourceType": "COLLABORATION"}


def test_conformant_modelled_error_passes() -> None:
    headers = {HEADER: "ResourceNotFoundException"}
    assert check_wire("GetCollaborationChangeRequest", 404, headers, _json(NOT_FOUND)) == []


def test_error_named_only_in_the_body_passes() -> None:
    body = {"__type": "com.amazonaws.cleanrooms#ConflictException", "message": "already approved"}
    assert check_wire("UpdateCollaborationChangeRequest", 409, {}, _json(body)) == []


def test_error_without_a_type() -> None:
    found = check_wire("GetCollaborationChangeRequest", 404, {}, _json(NOT_FOUND))
    assert _summary(found) == {("", K.ERROR_TYPE, "model")}


def test_undeclared_error() -> None:
    # GetCollaboration declares no ResourceNotFoundException (docs/behaviour.md §7): the model forces 403 there
    headers = {HEADER: "ResourceNotFoundException"}
    found = check_wire("GetCollaboration", 404, headers, _json(NOT_FOUND))
    assert _summary(found) == {("", K.UNDECLARED_ERROR, "model")}
    assert "GetCollaboration" in found[0].message


def test_unknown_error_is_undeclared_without_a_status_rule() -> None:
    found = check_wire("GetCollaboration", 418, {HEADER: "TeapotException"}, _json({"message": "short and stout"}))
    assert _summary(found) == {("", K.UNDECLARED_ERROR, "model")}


@pytest.mark.parametrize(
    ("code", "status"),
    [("ExpiredTokenException", 403), ("IncompleteSignature", 403), ("InternalFailure", 500)],
)
def test_common_errors_are_known_everywhere(code: str, status: int) -> None:
    assert check_wire("DeleteMember", status, {HEADER: code}, _json({"message": "m"})) == []


@pytest.mark.parametrize(
    ("op", "code", "status", "body"),
    [
        (
            "CreateCollaborationChangeRequest",
            "ServiceQuotaExceededException",
            400,
            {"message": "m", "quotaName": "q", "quotaValue": 10},
        ),
        (
            "CreateCollaborationChangeRequest",
            "ServiceQuotaExceededException",
            429,
            {"message": "m", "quotaName": "q", "quotaValue": 10.5},
        ),
        ("ListCollaborationChangeRequests", "ThrottlingException", 400, {"message": "slow down"}),
        (
            "UpdateCollaborationChangeRequest",
            "ConflictException",
            400,
            {"message": "m", "reason": "INVALID_STATE"},
        ),
        ("GetCollaborationChangeRequest", "ResourceNotFoundException", 400, NOT_FOUND),
    ],
)
def test_modelled_error_needs_its_modelled_status(op: str, code: str, status: int, body: dict[str, Any]) -> None:
    found = check_wire(op, status, {HEADER: code}, _json(body))
    assert _summary(found) == {("", K.STATUS, "model")}
    assert "modelled with HTTP" in found[0].message


def test_resource_not_found_without_resource_type() -> None:
    body = {k: v for k, v in NOT_FOUND.items() if k != "resourceType"}
    found = check_wire("GetCollaborationChangeRequest", 404, {HEADER: "ResourceNotFoundException"}, _json(body))
    assert _summary(found) == {("resourceType", K.MISSING_REQUIRED, "model")}


def test_capitalised_message_is_flagged_as_inferred() -> None:
    body = {"Message": "gone", "resourceId": COLLAB_ID, "resourceType": "COLLABORATION"}
    found = check_wire("GetCollaborationChangeRequest", 404, {HEADER: "ResourceNotFoundException"}, _json(body))
    assert _summary(found) == {
        ("Message", K.UNKNOWN_MEMBER, "inferred"),
        ("message", K.MISSING_REQUIRED, "model"),
    }


@pytest.mark.parametrize(
    ("body", "fragment"),
    [(b"", "this one is empty"), (b"<html>Forbidden</html>", "not JSON: b'<html>"), (b'"denied"', "got str")],
)
def test_error_body_must_be_a_json_object(body: bytes, fragment: str) -> None:
    found = check_wire("DeleteCollaboration", 403, {HEADER: "AccessDeniedException"}, body)
    assert _summary(found) == {("", K.BODY, "model")}
    assert fragment in found[0].message


def test_every_error_problem_is_reported_together() -> None:
    found = check_wire("GetCollaboration", 500, {}, b"Internal Server Error")
    assert _summary(found) == {("", K.ERROR_TYPE, "model"), ("", K.BODY, "model")}


def test_informational_status_is_not_a_response() -> None:
    assert _summary(check_wire("GetCollaboration", 100, {}, b"")) == {("", K.STATUS, "model")}


@pytest.mark.parametrize(
    ("status", "code", "headers", "body", "unsupported"),
    [
        (501, None, {}, b"", True),
        (400, "UnknownOperationException", {"x-amzn-errortype": "UnknownOperationException"}, b"{}", True),
        (404, "404", {"Content-Type": "text/html"}, b"<html>Not Found</html>", True),
        (404, None, {}, b"", True),
        (404, "ResourceNotFoundException", {}, b'{"message": "x"}', False),
        (403, "AccessDeniedException", {}, b'{"message": "x"}', False),
        (200, None, {}, b"{}", False),
    ],
)
def test_unsupported_reason(
    status: int, code: str | None, headers: dict[str, str], body: bytes, unsupported: bool
) -> None:
    from conformance.model.wire import unsupported_reason

    assert (unsupported_reason(status, code, headers, body) is not None) is unsupported
