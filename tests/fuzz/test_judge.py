from __future__ import annotations

import json
from types import MappingProxyType
from typing import Any

from conformance.fuzz.judge import (
    STANDING_CODES,
    Planned,
    judge_invalid,
    judge_valid,
    model_problems,
    unsupported_reason,
)
from conformance.model.exchange import CallResult, Exchange


def result(status: int, body: Any, *, code: str | None = None, headers: dict[str, str] | None = None) -> CallResult:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    all_headers = {"content-type": "application/json", **(headers or {})}
    if code is not None:
        all_headers.setdefault("x-amzn-errortype", code)
    exchange = Exchange(
        "GetCollaboration", "GET", "http://x/collaborations/1", {}, b"", status, MappingProxyType(all_headers), raw
    )
    parsed = body if code is None and isinstance(body, dict) else None
    return CallResult("GetCollaboration", parsed=parsed, error_code=code, exchange=exchange)


def kinds(problems: list[Any]) -> list[str]:
    return [p.kind for p in problems]


def test_unsupported_answers_are_recognised() -> None:
    assert unsupported_reason(result(501, {}, code="NotImplemented"))
    assert unsupported_reason(result(404, b"<html>nope</html>", code="404", headers={"content-type": "text/html"}))
    assert unsupported_reason(result(404, {"message": "x"}, code="UnknownOperationException"))
    assert (
        unsupported_reason(
            result(
                404,
                {"message": "m", "resourceId": "r", "resourceType": "COLLABORATION"},
                code="ResourceNotFoundException",
            )
        )
        is None
    )


def test_valid_input_problems() -> None:
    assert kinds(judge_valid("GetCollaboration", result(500, {"message": "boom"}, code="InternalServerException"))) == [
        "server-error"
    ]
    refused = result(400, {"message": "m", "reason": "FIELD_VALIDATION_FAILED"}, code="ValidationException")
    assert kinds(judge_valid("GetCollaboration", refused)) == ["rejected-valid"]
    assert judge_valid("ListCollaborations", refused, opaque=True) == []  # a made-up nextToken (A15)
    semantic = result(400, {"message": "m", "reason": "INVALID_CONFIGURATION"}, code="ValidationException")
    assert judge_valid("GetCollaboration", semantic, planned=Planned("a rule of the spec", _INVALID)) == []
    teapot = result(403, {"message": "m"}, code="Teapot")
    assert kinds(judge_valid("GetCollaboration", teapot)) == ["rejected-valid", "wire"]
    assert kinds(judge_valid("GetCollaboration", teapot, planned=Planned("no standing"))) == ["wire"]
    broken_body = result(200, {"collaboration": {"id": "x"}})
    assert "shape" in kinds(judge_valid("GetCollaboration", broken_body))


def test_invalid_input_must_be_refused_with_400_naming_the_field() -> None:
    accepted = judge_invalid("GetCollaboration", result(200, {}), kind="too-long", path="name", member="name")
    assert "accepted-invalid" in kinds(accepted)
    forbidden = result(403, {"message": "no"}, code="AccessDeniedException")
    assert kinds(judge_invalid("GetCollaboration", forbidden, kind="too-long", path="n", member="n")) == [
        "wrong-refusal"
    ]
    good = result(
        400,
        {"message": "m", "fieldList": [{"name": "members[0].displayName", "message": "x"}]},
        code="ValidationException",
    )
    assert judge_invalid("GetCollaboration", good, kind="too-long", path="p", member="displayName") == []
    unnamed = result(400, {"message": "bad"}, code="ValidationException")
    assert kinds(judge_invalid("GetCollaboration", unnamed, kind="too-long", path="p", member="name")) == [
        "field-not-named"
    ]
    other_reason = result(400, {"message": "name", "reason": "INVALID_CONFIGURATION"}, code="ValidationException")
    assert kinds(judge_invalid("GetCollaboration", other_reason, kind="too-long", path="p", member="name")) == [
        "wrong-reason"
    ]
    decoding = result(400, {"message": "bad json"}, code="SerializationException")
    assert judge_invalid("GetCollaboration", decoding, kind="wrong-type", path="p", member="x") == []
    assert judge_invalid("GetCollaboration", decoding, kind="too-long", path="p", member="x") != []


def test_model_problems_read_the_raw_exchange() -> None:
    untyped = result(400, b"oops", headers={"content-type": "text/plain"})
    untyped = CallResult("GetCollaboration", error_code="400", exchange=untyped.exchange)
    assert {p.kind for p in model_problems("GetCollaboration", untyped)} == {"wire"}


_INVALID = frozenset({"ValidationException"})
_DENIED = result(403, {"message": "m"}, code="AccessDeniedException")


def test_an_unplanned_refusal_of_a_valid_input_is_rejected_valid() -> None:
    """An always-403 server must not pass: a refusal answers a valid input only when the plan says why."""
    (denied,) = judge_valid("GetCollaboration", _DENIED)
    assert (denied.kind, denied.level) == ("rejected-valid", "documented")
    missing = result(
        404, {"message": "m", "resourceId": "r", "resourceType": "COLLABORATION"}, code="ResourceNotFoundException"
    )
    assert [(p.kind, p.level) for p in judge_valid("ListMembers", missing)] == [("rejected-valid", "documented")]
    # A semantic refusal may rest on a rule the suite does not know of: inferred.
    semantic = result(400, {"message": "m", "reason": "INVALID_CONFIGURATION"}, code="ValidationException")
    assert [(p.kind, p.level) for p in judge_valid("GetCollaboration", semantic)] == [("rejected-valid", "inferred")]
    conflict = result(409, {"message": "m", "reason": "ALREADY_EXISTS"}, code="ConflictException")
    assert [(p.kind, p.level) for p in judge_valid("CreateMembership", conflict)] == [("rejected-valid", "inferred")]


def test_a_planned_refusal_answers_a_valid_input_with_the_codes_it_names() -> None:
    standing = Planned("outsider has no standing", STANDING_CODES)
    assert judge_valid("GetCollaboration", _DENIED, planned=standing) == []
    assert judge_valid("GetCollaboration", _DENIED, planned=Planned("any refusal")) == []
    (wrong,) = judge_valid("GetCollaboration", _DENIED, planned=Planned("a rule", _INVALID))
    assert wrong.kind == "rejected-valid"
    assert "the plan expects only ValidationException: a rule" in wrong.message
    # A planned refusal still has to be a well-formed one, and a success is still judged.
    assert "server-error" in kinds(
        judge_valid("GetCollaboration", result(500, {"message": "x"}, code="InternalServerException"), planned=standing)
    )
    assert (standing | Planned("also", _INVALID)).codes == STANDING_CODES | _INVALID
    assert (standing | Planned("anything")).codes == frozenset()


def test_an_empty_success_body_lacks_the_required_output() -> None:
    """A 200 with no body (an echo of a GET) is the empty object: it has none of the required members."""
    assert "shape" in kinds(judge_valid("ListCollaborations", result(200, b"")))
    assert judge_valid("DeleteCollaboration", result(204, b"")) == []
