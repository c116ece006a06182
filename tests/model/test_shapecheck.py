from __future__ import annotations

import copy
import sys
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from botocore.model import Shape, ShapeResolver

from conformance.model.shapecheck import check_error_body, check_input, check_output, check_shape
from conformance.model.violations import Violation, ViolationKind
from tests.model.model_samples import COLLAB_ID, MEMBER, OTHER, SAMPLE_OPERATIONS, parsed, sample, wire

K = ViolationKind
Doc = dict[str, Any]
MODES = [pytest.param(True, id="wire"), pytest.param(False, id="parsed")]

ARABIC_INDIC_12 = "\u0661" * 12  # twelve Arabic-Indic ones: Unicode digits, not ASCII digits


def _summary(found: list[Violation]) -> set[tuple[str, ViolationKind, str]]:
    return {(v.path, v.kind, v.evidence) for v in found}


def _cr(doc: Doc) -> Doc:
    request: Doc = doc["collaborationChangeRequest"]
    return request


def _summaries(doc: Doc) -> list[Doc]:
    items: list[Doc] = doc["collaborationChangeRequestSummaries"]
    return items


# --- conformant responses -----------------------------------------------------------------------------------


@pytest.mark.parametrize("wire_mode", MODES)
@pytest.mark.parametrize("op", SAMPLE_OPERATIONS)
def test_conformant_response_has_no_violation(op: str, wire_mode: bool) -> None:
    assert check_output(op, sample(op, wire_mode=wire_mode), wire=wire_mode) == []


def test_parsed_sample_really_is_botocore_output() -> None:
    # the parsed twin carries what boto3 adds, so the checker is exercised on the real thing
    value = parsed("GetCollaborationChangeRequest")
    assert "ResponseMetadata" in value
    assert isinstance(_cr(value)["createTime"], datetime)


def test_response_metadata_is_a_member_only_in_parsed_outputs() -> None:
    body = wire("DeleteCollaboration")
    body["ResponseMetadata"] = {"HTTPStatusCode": 204}
    assert _summary(check_output("DeleteCollaboration", body, wire=True)) == {
        ("ResponseMetadata", K.UNKNOWN_MEMBER, "model")
    }
    assert check_output("DeleteCollaboration", body, wire=False) == []


@pytest.mark.parametrize("wire_mode", MODES)
@pytest.mark.parametrize("op", ["DeleteCollaboration", "DeleteMember"])
def test_empty_output_takes_no_members(op: str, wire_mode: bool) -> None:
    found = check_output(op, {"deleted": True}, wire=wire_mode)
    assert _summary(found) == {("deleted", K.UNKNOWN_MEMBER, "model")}


# --- non-conformant responses: one mutation, one violation at one exact path --------------------------------


def _set(getter: Callable[[Doc], Doc], key: str, value: object) -> Callable[[Doc], None]:
    def mutate(doc: Doc) -> None:
        getter(doc)[key] = value

    return mutate


def _drop(getter: Callable[[Doc], Doc], key: str) -> Callable[[Doc], None]:
    def mutate(doc: Doc) -> None:
        del getter(doc)[key]

    return mutate


def _collab(doc: Doc) -> Doc:
    collaboration: Doc = doc["collaboration"]
    return collaboration


def _change(doc: Doc) -> Doc:
    change: Doc = _cr(doc)["changes"][0]
    return change


def _member_spec(doc: Doc) -> Doc:
    spec: Doc = _change(doc)["specification"]["member"]
    return spec


def _approvals(doc: Doc) -> Doc:
    approvals: Doc = _cr(doc)["approvals"]
    return approvals


def _rekey_approval(new_key: str) -> Callable[[Doc], None]:
    def mutate(doc: Doc) -> None:
        approvals = _approvals(doc)
        approvals[new_key] = approvals.pop(MEMBER)

    return mutate


CR = "collaborationChangeRequest"
CO = "collaboration"
SPEC_OUT = f"{CR}.changes[0].specification"


def _cases(op: str, *rows: tuple[Any, ...]) -> list[Any]:
    """Rows of (mutation, path, kind[, evidence]) for one operation, as test parameters."""
    cases = []
    for mutate, path, kind, *evidence in rows:
        level = evidence[0] if evidence else "model"
        cases.append(pytest.param(op, mutate, path, kind, level, id=f"{op}:{path}:{kind}"))
    return cases


BROKEN = [
    *_cases(
        "CreateCollaboration",
        (_set(_collab, "name", "n" * 101), f"{CO}.name", K.LENGTH),
        (_set(_collab, "name", "   "), f"{CO}.name", K.PATTERN),
        (_drop(_collab, "arn"), f"{CO}.arn", K.MISSING_REQUIRED),
        (_set(_collab, "memberStatus", "JOINED"), f"{CO}.memberStatus", K.ENUM),
        (_set(_collab, "isMetricsEnabled", "true"), f"{CO}.isMetricsEnabled", K.WRONG_TYPE),
        (_set(_collab, "extra", 1), f"{CO}.extra", K.UNKNOWN_MEMBER),
        (_set(_collab, "id", COLLAB_ID.upper()), f"{CO}.id", K.PATTERN),
        (_set(_collab, "creatorAccountId", "abcdefghijkl"), f"{CO}.creatorAccountId", K.PATTERN),
        (_set(_collab, "creatorAccountId", ARABIC_INDIC_12), f"{CO}.creatorAccountId", K.PATTERN),
        (
            _set(_collab, "autoApprovedChangeTypes", ["ADD_MEMBER", "NOPE"]),
            f"{CO}.autoApprovedChangeTypes[1]",
            K.ENUM,
        ),
        (
            _set(_collab, "autoApprovedChangeTypes", "ADD_MEMBER"),
            f"{CO}.autoApprovedChangeTypes",
            K.WRONG_TYPE,
        ),
        (
            _set(
                _collab,
                "dataEncryptionMetadata",
                {
                    "allowCleartext": True,
                    "preserveNulls": False,
                    "allowJoinsOnColumnsWithDifferentNames": True,
                },
            ),
            f"{CO}.dataEncryptionMetadata.allowDuplicates",
            K.MISSING_REQUIRED,
        ),
        (lambda d: d.pop("collaboration"), CO, K.MISSING_REQUIRED),
    ),
    *_cases(
        "CreateCollaborationChangeRequest",
        (lambda d: _change(d)["types"].append("BOGUS"), f"{CR}.changes[0].types[1]", K.ENUM),
        (_set(_change, "types", []), f"{CR}.changes[0].types", K.ITEM_COUNT),
        (_set(_cr, "changes", []), f"{CR}.changes", K.ITEM_COUNT),
        (lambda d: _cr(d)["changes"].extend([_change(d)] * 10), f"{CR}.changes", K.ITEM_COUNT),
        (lambda d: _change(d)["specification"].update(collaboration={}), SPEC_OUT, K.UNION),
        (_set(_change, "specification", {}), SPEC_OUT, K.UNION),
        (_set(_member_spec, "accountId", "22222222222"), f"{SPEC_OUT}.member.accountId", K.LENGTH),
        (_set(_member_spec, "displayName", "d" * 101), f"{SPEC_OUT}.member.displayName", K.LENGTH),
        (_drop(_member_spec, "memberAbilities"), f"{SPEC_OUT}.member.memberAbilities", K.MISSING_REQUIRED),
        (_set(_cr, "isAutoApproved", 1), f"{CR}.isAutoApproved", K.WRONG_TYPE),
    ),
    *_cases(
        "GetCollaborationChangeRequest",
        (_set(_approvals, MEMBER, {"status": "MAYBE"}), f"{CR}.approvals['{MEMBER}'].status", K.ENUM),
        (_rekey_approval("12345"), f"{CR}.approvals['12345']", K.LENGTH),
        (_rekey_approval("abcdefghijkl"), f"{CR}.approvals['abcdefghijkl']", K.PATTERN),
        (_set(_approvals, MEMBER, {}), f"{CR}.approvals['{MEMBER}'].status", K.MISSING_REQUIRED),
        (_set(_cr, "approvals", {}), f"{CR}.approvals", K.ITEM_COUNT),
        (
            _set(_cr, "approvals", {f"{n:012d}": {"status": "PENDING"} for n in range(51)}),
            f"{CR}.approvals",
            K.ITEM_COUNT,
        ),
        (_drop(_cr, "status"), f"{CR}.status", K.MISSING_REQUIRED),
        (_set(_cr, "collaborationId", "z" * 36), f"{CR}.collaborationId", K.PATTERN),
    ),
    *_cases(
        "ListCollaborationChangeRequests",
        (
            lambda d: _summaries(d)[1].update(status="REJECTED"),
            "collaborationChangeRequestSummaries[1].status",
            K.ENUM,
        ),
        (
            lambda d: _summaries(d)[0].pop("changes"),
            "collaborationChangeRequestSummaries[0].changes",
            K.MISSING_REQUIRED,
        ),
        (lambda d: d.update(nextToken="t" * 10241), "nextToken", K.LENGTH),
        (
            lambda d: d.update(collaborationChangeRequestSummaries={}),
            "collaborationChangeRequestSummaries",
            K.WRONG_TYPE,
        ),
        (
            lambda d: d.pop("collaborationChangeRequestSummaries"),
            "collaborationChangeRequestSummaries",
            K.MISSING_REQUIRED,
        ),
        (
            lambda d: _summaries(d)[1]["approvals"].update({"12345": {"status": "PENDING"}}),
            "collaborationChangeRequestSummaries[1].approvals['12345']",
            K.LENGTH,
        ),
    ),
    *_cases(
        "UpdateCollaborationChangeRequest",
        (_set(_cr, "status", "COMMITED"), f"{CR}.status", K.ENUM),
        (_set(_change, "specificationType", "ACCOUNT"), f"{CR}.changes[0].specificationType", K.ENUM),
        (_set(_cr, "changes", {"0": {}}), f"{CR}.changes", K.WRONG_TYPE),
    ),
]


@pytest.mark.parametrize("wire_mode", MODES)
@pytest.mark.parametrize(("op", "mutate", "path", "kind", "evidence"), BROKEN)
def test_each_violation_is_caught_at_its_exact_path(
    op: str, mutate: Callable[[Doc], object], path: str, kind: ViolationKind, evidence: str, wire_mode: bool
) -> None:
    value = sample(op, wire_mode=wire_mode)
    mutate(value)
    found = check_output(op, value, wire=wire_mode)
    assert _summary(found) == {(path, kind, evidence)}, [str(v) for v in found]


@pytest.mark.parametrize("wire_mode", MODES)
def test_every_violation_is_reported_not_only_the_first(wire_mode: bool) -> None:
    value = sample("GetCollaborationChangeRequest", wire_mode=wire_mode)
    request = _cr(value)
    request["status"] = "MAYBE"
    request["approvals"] = {"12345": {"status": "NO"}}
    request["changes"][0]["types"] = ["ADD_MEMBER", "BOGUS", "WORSE"]
    del request["id"]
    found = check_output("GetCollaborationChangeRequest", value, wire=wire_mode)
    assert _summary(found) == {
        (f"{CR}.id", K.MISSING_REQUIRED, "model"),
        (f"{CR}.status", K.ENUM, "model"),
        (f"{CR}.changes[0].types[1]", K.ENUM, "model"),
        (f"{CR}.changes[0].types[2]", K.ENUM, "model"),
        (f"{CR}.approvals['12345']", K.LENGTH, "model"),
        (f"{CR}.approvals['12345'].status", K.ENUM, "model"),
    }


def test_messages_say_what_was_expected_and_found() -> None:
    value = wire("GetCollaborationChangeRequest")
    _approvals(value)["12345"] = _approvals(value).pop(MEMBER)
    _cr(value)["status"] = "MAYBE"
    messages = {v.path: str(v) for v in check_output("GetCollaborationChangeRequest", value, wire=True)}
    assert messages[f"{CR}.approvals['12345']"] == (
        f"{CR}.approvals['12345']: map key '12345': expected length exactly 12, found 5 ('12345')"
    )
    assert "found 'MAYBE'" in messages[f"{CR}.status"]
    assert "PENDING" in messages[f"{CR}.status"]


# --- wire-only and parsed-only readings ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("bad", "fragment"),
    [
        ("2025-12-01T00:00:00Z", "found a string '2025-12-01T00:00:00Z'"),
        (True, "found a boolean True"),
        (1764547200125, "looks like milliseconds"),
        (0, "not a plausible time"),
    ],
)
def test_wire_timestamps_are_epoch_seconds(bad: object, fragment: str) -> None:
    value = wire("GetCollaborationChangeRequest")
    _cr(value)["createTime"] = bad
    found = check_output("GetCollaborationChangeRequest", value, wire=True)
    assert _summary(found) == {(f"{CR}.createTime", K.TIMESTAMP, "model")}
    assert fragment in found[0].message


@pytest.mark.parametrize(
    "bad", [datetime(2025, 12, 1), "2025-12-01T00:00:00Z", 1764547200], ids=["naive", "string", "number"]
)
def test_parsed_timestamps_are_aware_datetimes(bad: object) -> None:
    value = parsed("GetCollaborationChangeRequest")
    _cr(value)["updateTime"] = bad
    found = check_output("GetCollaborationChangeRequest", value, wire=False)
    assert _summary(found) == {(f"{CR}.updateTime", K.TIMESTAMP, "model")}


@pytest.mark.parametrize("wire_mode", MODES)
@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda d: d.update(collaborationChangeRequest=[]), {(CR, K.WRONG_TYPE)}),
        (_set(_change, "specification", "member"), {(SPEC_OUT, K.WRONG_TYPE)}),
        (_set(_cr, "approvals", [MEMBER]), {(f"{CR}.approvals", K.WRONG_TYPE)}),
        (_set(_cr, "status", 5), {(f"{CR}.status", K.WRONG_TYPE)}),
        (_set(_approvals, MEMBER, None), {(f"{CR}.approvals['{MEMBER}']", K.WRONG_TYPE)}),
        # a null union member is not a set member: the union is then empty as well
        (
            _set(_change, "specification", {"member": None}),
            {(f"{SPEC_OUT}.member", K.WRONG_TYPE), (SPEC_OUT, K.UNION)},
        ),
    ],
    ids=["structure", "union", "map", "string", "null-map-value", "null-union-member"],
)
def test_wrong_container_and_scalar_types(
    mutate: Callable[[Doc], object], expected: set[tuple[str, ViolationKind]], wire_mode: bool
) -> None:
    value = sample("GetCollaborationChangeRequest", wire_mode=wire_mode)
    mutate(value)
    found = check_output("GetCollaborationChangeRequest", value, wire=wire_mode)
    assert {(v.path, v.kind) for v in found} == expected


def test_json_null_is_a_wrong_type_saying_null_was_sent() -> None:
    value = wire("GetCollaborationChangeRequest")
    _cr(value)["approvals"] = None
    _change(value)["types"] = ["ADD_MEMBER", None]
    found = check_output("GetCollaborationChangeRequest", value, wire=True)
    assert _summary(found) == {
        (f"{CR}.approvals", K.WRONG_TYPE, "model"),
        (f"{CR}.changes[0].types[1]", K.WRONG_TYPE, "model"),
    }
    assert all("null was sent" in v.message for v in found)


def test_unknown_union_member_parsed_by_botocore_is_reported_by_its_name() -> None:
    # botocore turns an unknown union member into SDK_UNKNOWN_MEMBER; the checker names the real member
    value = parsed("GetCollaborationChangeRequest")
    _change(value)["specification"] = {"SDK_UNKNOWN_MEMBER": {"name": "payer"}}
    found = check_output("GetCollaborationChangeRequest", value, wire=False)
    assert _summary(found) == {(f"{CR}.changes[0].specification.payer", K.UNKNOWN_MEMBER, "model")}


def test_type_tag_inside_a_union_is_ignored_on_the_wire() -> None:
    value = wire("GetCollaborationChangeRequest")
    _change(value)["specification"]["__type"] = "ChangeSpecification"
    assert check_output("GetCollaborationChangeRequest", value, wire=True) == []


@pytest.mark.parametrize("wire_mode", MODES)
def test_error_body_with_protocol_keys_and_message_casing(wire_mode: bool) -> None:
    body = {"__type": "ResourceNotFoundException", "Message": "gone", "resourceId": COLLAB_ID}
    assert _summary(check_error_body("ResourceNotFoundException", body)) == {
        ("Message", K.UNKNOWN_MEMBER, "inferred"),
        ("message", K.MISSING_REQUIRED, "model"),
        ("resourceType", K.MISSING_REQUIRED, "model"),
    }
    good = {"message": "gone", "resourceId": COLLAB_ID, "resourceType": "COLLABORATION", "code": "x"}
    assert check_error_body("ResourceNotFoundException", good) == []


def test_error_body_checks_member_types_and_enums() -> None:
    body = {"message": "quota", "quotaName": "changes", "quotaValue": "10"}
    assert _summary(check_error_body("ServiceQuotaExceededException", body)) == {
        ("quotaValue", K.WRONG_TYPE, "model")
    }
    body = {"message": "bad", "reason": "FIELD_VALIDATION_FAILED", "fieldList": [{"name": "changes"}]}
    assert _summary(check_error_body("ValidationException", body)) == {
        ("fieldList[0].message", K.MISSING_REQUIRED, "model")
    }


def test_error_body_with_an_unknown_member() -> None:
    body = {"message": "slow down", "retryAfterSeconds": 3}
    assert _summary(check_error_body("ThrottlingException", body)) == {
        ("retryAfterSeconds", K.UNKNOWN_MEMBER, "model")
    }


def test_error_body_of_a_common_error_has_no_contract() -> None:
    assert check_error_body("ExpiredTokenException", {"anything": 1}) == []


# --- check_shape on hand-made shapes (types Clean Rooms' change-request outputs do not use) -----------------


def _shape(name: str, shapes: dict[str, Any]) -> Shape:
    return ShapeResolver(shapes).get_shape_by_name(name)


HAND_MADE: dict[str, Any] = {
    "Root": {
        "type": "structure",
        "required": ["data", "requestId"],
        "members": {
            "data": {"shape": "Data"},
            "ratio": {"shape": "Ratio"},
            "count": {"shape": "Count"},
            "doc": {"shape": "Doc"},
            "next": {"shape": "Root"},
            "requestId": {"shape": "Text", "location": "header", "locationName": "x-request-id"},
            "renamed": {"shape": "Text", "locationName": "wireName"},
        },
    },
    "Data": {"type": "blob", "min": 2, "max": 4},
    "Ratio": {"type": "double", "min": 0, "max": 1},
    "Count": {"type": "long", "min": 1},
    "Doc": {"type": "structure", "members": {}, "document": True},
    "Text": {"type": "string"},
}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"data": "AAE="}, set()),
        ({"data": "AAE=", "ratio": "NaN", "count": 2**40, "doc": {"any": [1, None]}, "wireName": "x"}, set()),
        (
            {"data": "AAE=", "next": {"data": "AA==", "next": {"count": 0}}},
            {
                ("next.data", K.LENGTH, "model"),
                ("next.next.data", K.MISSING_REQUIRED, "model"),
                ("next.next.count", K.RANGE, "model"),
            },
        ),
        ({"data": "not base64!"}, {("data", K.WRONG_TYPE, "model")}),
        (
            {"data": "AAE=", "ratio": 1.5, "count": True},
            {("ratio", K.RANGE, "model"), ("count", K.WRONG_TYPE, "model")},
        ),
        ({"data": "AAE=", "renamed": "x"}, {("renamed", K.UNKNOWN_MEMBER, "model")}),
    ],
    ids=["minimal", "all-types", "recursive", "bad-base64", "range-and-bool", "json-name"],
)
def test_check_shape_wire_reads_the_json_body(
    value: Doc, expected: set[tuple[str, ViolationKind, str]]
) -> None:
    # requestId is bound to a header: required, yet never expected in the JSON body
    assert _summary(check_shape(_shape("Root", HAND_MADE), value, wire=True)) == expected


def test_check_shape_parsed_reads_boto3_values() -> None:
    root = _shape("Root", HAND_MADE)
    assert check_shape(root, {"data": b"\x00\x01", "requestId": "r", "ratio": 0.5}, wire=False) == []
    found = check_shape(root, {"data": "AAE=", "ratio": "NaN", "count": 0}, wire=False, path="out")
    assert _summary(found) == {
        ("out.data", K.WRONG_TYPE, "model"),
        ("out.ratio", K.WRONG_TYPE, "model"),
        ("out.count", K.RANGE, "model"),
        ("out.requestId", K.MISSING_REQUIRED, "model"),
    }


TIMES: dict[str, Any] = {
    "Times": {
        "type": "structure",
        "members": {
            "iso": {"shape": "Stamp", "timestampFormat": "iso8601"},
            "http": {"shape": "Stamp", "timestampFormat": "http-date"},
            "raw": {"shape": "Bytes"},
        },
    },
    "Stamp": {"type": "timestamp"},
    "Bytes": {"type": "blob"},
}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"iso": "2025-12-01T00:00:00Z", "http": "Mon, 01 Dec 2025 00:00:00 GMT", "raw": "AA=="}, set()),
        ({"iso": "2025-12-01T00:00:00"}, set()),  # no offset: read as UTC
        ({"iso": 1764547200}, {("iso", K.TIMESTAMP, "model")}),
        ({"iso": "yesterday"}, {("iso", K.TIMESTAMP, "model")}),
        ({"http": "Mon, 01 Dec 1975 00:00:00 GMT"}, {("http", K.TIMESTAMP, "model")}),
        ({"raw": 7}, {("raw", K.WRONG_TYPE, "model")}),
    ],
    ids=["conformant", "naive-iso", "number-for-iso", "not-a-date", "implausible", "blob-number"],
)
def test_member_timestamp_formats_on_the_wire(
    value: Doc, expected: set[tuple[str, ViolationKind, str]]
) -> None:
    assert _summary(check_shape(_shape("Times", TIMES), value, wire=True)) == expected


def test_a_shape_type_the_checker_does_not_know_is_refused() -> None:
    with pytest.raises(ValueError, match="type 'bigdecimal'"):
        check_shape(_shape("Odd", {"Odd": {"type": "bigdecimal"}}), 1, wire=True)


def test_sensitive_values_stay_out_of_messages() -> None:
    shape = _shape("Secret", {"Secret": {"type": "string", "max": 3, "sensitive": True}})
    (violation,) = check_shape(shape, "hunter2", wire=True)
    assert "hunter2" not in violation.message
    assert "<sensitive, 7 characters>" in violation.message


# --- check_input: the emulator's server-side validation -----------------------------------------------------


def _member_change(**member: Any) -> Doc:
    spec = {"accountId": OTHER, "memberAbilities": [], "displayName": "joiner"}
    spec.update(member)
    return {"specificationType": "MEMBER", "specification": {"member": spec}}


def _ccr(*changes: Doc, **extra: Any) -> Doc:
    params: Doc = {"collaborationIdentifier": COLLAB_ID, "changes": list(changes) or [_member_change()]}
    params.update(extra)
    return params


VALID_INPUTS = [
    _ccr(),
    _ccr(_member_change(memberAbilities=["CAN_RECEIVE_RESULTS"], displayName="joiner \U0001f600")),
    _ccr(
        {
            "specificationType": "COLLABORATION",
            "specification": {"collaboration": {"autoApprovedChangeTypes": []}},
        }
    ),
    _ccr(*[_member_change(accountId=f"{n:012d}") for n in range(10)]),
    _ccr(clientToken="ignored"),  # an unknown body member is ignored by a restJson1 server
]


@pytest.mark.parametrize("params", VALID_INPUTS, ids=["one", "emoji", "collaboration", "ten", "unknown-key"])
def test_valid_change_request_input_passes(params: Doc) -> None:
    assert check_input("CreateCollaborationChangeRequest", params) == []


SPEC = "changes[0].specification"
INVALID_INPUTS = [
    (
        "two-union-members",
        _ccr(
            {
                "specificationType": "MEMBER",
                "specification": {"member": _member_change()["specification"]["member"], "collaboration": {}},
            }
        ),
        SPEC,
        K.UNION,
        "model",
    ),
    (
        "zero-union-members",
        _ccr({"specificationType": "MEMBER", "specification": {}}),
        SPEC,
        K.UNION,
        "model",
    ),
    ("eleven-changes", _ccr(*[_member_change()] * 11), "changes", K.ITEM_COUNT, "model"),
    (
        "empty-changes",
        {"collaborationIdentifier": COLLAB_ID, "changes": []},
        "changes",
        K.ITEM_COUNT,
        "model",
    ),
    (
        "bad-enum",
        _ccr({"specificationType": "PAYER", "specification": {"collaboration": {}}}),
        "changes[0].specificationType",
        K.ENUM,
        "model",
    ),
    (
        "bad-ability",
        _ccr(_member_change(memberAbilities=["CAN_FLY"])),
        f"{SPEC}.member.memberAbilities[0]",
        K.ENUM,
        "model",
    ),
    (
        "account-11-chars",
        _ccr(_member_change(accountId="22222222222")),
        f"{SPEC}.member.accountId",
        K.LENGTH,
        "model",
    ),
    (
        "account-arabic-digits",
        _ccr(_member_change(accountId=ARABIC_INDIC_12)),
        f"{SPEC}.member.accountId",
        K.PATTERN,
        "model",
    ),
    (
        "display-101",
        _ccr(_member_change(displayName="d" * 101)),
        f"{SPEC}.member.displayName",
        K.LENGTH,
        "model",
    ),
    (
        "display-blank",
        _ccr(_member_change(displayName="   ")),
        f"{SPEC}.member.displayName",
        K.PATTERN,
        "model",
    ),
    (
        "display-newline",
        _ccr(_member_change(displayName="a\nb")),
        f"{SPEC}.member.displayName",
        K.PATTERN,
        "inferred",
    ),
    ("missing-changes", {"collaborationIdentifier": COLLAB_ID}, "changes", K.MISSING_REQUIRED, "model"),
    (
        "missing-path-member",
        {"changes": [_member_change()]},
        "collaborationIdentifier",
        K.MISSING_REQUIRED,
        "model",
    ),
    (
        "missing-spec-type",
        _ccr({"specification": {"collaboration": {}}}),
        "changes[0].specificationType",
        K.MISSING_REQUIRED,
        "model",
    ),
    (
        "missing-abilities",
        _ccr({"specificationType": "MEMBER", "specification": {"member": {"accountId": OTHER}}}),
        f"{SPEC}.member.memberAbilities",
        K.MISSING_REQUIRED,
        "model",
    ),
    (
        "unknown-union-member",
        _ccr({"specificationType": "MEMBER", "specification": {"payer": {}}}),
        f"{SPEC}.payer",
        K.UNKNOWN_MEMBER,
        "model",
    ),
    ("bad-path-uuid", _ccr(collaborationIdentifier="x" * 36), "collaborationIdentifier", K.PATTERN, "model"),
    ("changes-not-a-list", _ccr(changes={"0": _member_change()}), "changes", K.WRONG_TYPE, "model"),
]


@pytest.mark.parametrize(
    ("params", "path", "kind", "evidence"), [pytest.param(*case[1:], id=case[0]) for case in INVALID_INPUTS]
)
def test_invalid_change_request_input_names_the_field(
    params: Doc, path: str, kind: ViolationKind, evidence: str
) -> None:
    found = check_input("CreateCollaborationChangeRequest", params)
    assert (path, kind, evidence) in _summary(found), [str(v) for v in found]
    # zero-union and unknown-union also count as the wrong number of set members; nothing else may appear
    assert {v.path for v in found} <= {path, SPEC}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"collaborationIdentifier": COLLAB_ID, "maxResults": 100, "status": "PENDING"}, set()),
        (
            {"collaborationIdentifier": COLLAB_ID, "maxResults": "ten"},
            {("maxResults", K.WRONG_TYPE, "model")},
        ),
        ({"collaborationIdentifier": COLLAB_ID, "maxResults": 0}, {("maxResults", K.RANGE, "model")}),
        ({"collaborationIdentifier": COLLAB_ID, "maxResults": 101}, {("maxResults", K.RANGE, "model")}),
        ({"collaborationIdentifier": COLLAB_ID, "status": "pending"}, {("status", K.ENUM, "model")}),
    ],
    ids=["valid", "unconverted-string", "below-range", "above-range", "enum-case"],
)
def test_query_members_are_checked_with_their_converted_types(
    params: Doc, expected: set[tuple[str, ViolationKind, str]]
) -> None:
    assert _summary(check_input("ListCollaborationChangeRequests", params)) == expected


def test_update_action_is_required_and_enumerated() -> None:
    ids = {"collaborationIdentifier": COLLAB_ID, "changeRequestIdentifier": COLLAB_ID}
    assert check_input("UpdateCollaborationChangeRequest", {**ids, "action": "COMMIT"}) == []
    assert _summary(check_input("UpdateCollaborationChangeRequest", ids)) == {
        ("action", K.MISSING_REQUIRED, "model")
    }
    assert _summary(check_input("UpdateCollaborationChangeRequest", {**ids, "action": "commit"})) == {
        ("action", K.ENUM, "model")
    }


def test_check_input_is_fast_enough_for_every_emulator_request() -> None:
    if sys.gettrace() is not None:
        pytest.skip("timings mean nothing under a tracer or debugger")
    params = _ccr(_member_change(memberAbilities=["CAN_RECEIVE_RESULTS"]))
    check_input("CreateCollaborationChangeRequest", params)  # compile once
    rounds = 2000
    start = time.perf_counter()
    for _ in range(rounds):
        check_input("CreateCollaborationChangeRequest", copy.copy(params))
    per_call = (time.perf_counter() - start) / rounds
    assert per_call < 50e-6, f"{per_call * 1e6:.1f} µs per call"


def test_input_of_an_unknown_operation_is_refused() -> None:
    with pytest.raises(LookupError, match="did you mean CreateCollaborationChangeRequest"):
        check_input("CreateCollaborationChangeRequests", {})


def test_a_response_value_matching_its_pattern_only_unanchored_conforms_but_a_request_value_does_not() -> None:
    """Smithy's pattern is unanchored (SMITHY-C): a response holding such a value satisfies the model, whereas a
    request holding it is refused under the anchored reading the service is best read to apply (A14, inferred)."""
    for wire_mode in MODES:
        value = sample("CreateCollaboration", wire_mode=wire_mode)
        _set(_collab, "creatorAccountId", "11111111111x")(value)  # a digit somewhere: \d+ matches, not in full
        assert check_output("CreateCollaboration", value, wire=wire_mode) == []
    params = _ccr(_member_change(accountId="11111111111x"))
    found = check_input("CreateCollaborationChangeRequest", params)
    assert _summary(found) == {(f"{SPEC}.member.accountId", K.PATTERN, "inferred")}
