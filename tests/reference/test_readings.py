"""The emulator's readings (docs/emulator-readings.md): every value of every switch, seen through boto3.

A reading is a defensible answer to a point AWS leaves open, not a defect: each test runs the same requests
against the default emulator and against the switched one and requires each to give its own answer, so a
switch that did nothing, or that changed the default, fails here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest
from botocore.exceptions import ClientError

from conformance.model.releases import CHANGE_REQUESTS, DESCRIPTION_OPTIONAL, FIRST_MODEL, MEMBER_CAP_DROPPED
from conformance.reference import EmulatorConfig, ReferenceServer

from .conftest import status_index_problems
from .support import (
    MEMBER,
    OUTSIDER,
    Actors,
    act,
    actors,
    assert_error,
    change_request,
    create_collaboration,
    fresh_account,
    get_request,
    join,
    member_change,
    members_by_account,
    raw_body,
)

UNKNOWN_ID = "0badc0de-0000-4000-8000-000000000000"
Serve = Callable[..., Actors]


@pytest.fixture(scope="module")
def serve() -> Iterator[Serve]:
    """``serve(**readings)``: actors on an emulator with those readings (one server per distinct config)."""
    servers: dict[tuple[tuple[str, Any], ...], tuple[ReferenceServer, Actors]] = {}

    def get(*, record: bool = True, **readings: Any) -> Actors:
        key = (("record", record), *sorted(readings.items()))
        if key not in servers:
            server = ReferenceServer(config=EmulatorConfig(**readings))
            servers[key] = (server, actors(server.start(), record=record))
        return servers[key][1]

    yield get
    problems = [p for server, _ in servers.values() for p in status_index_problems(server.emulator.store)]
    for server, _ in servers.values():
        server.stop()
    assert not problems, "\n".join(problems)


def outcome(call: Callable[[], Any]) -> tuple[int, str]:
    try:
        response = call()
    except ClientError as error:
        return error.response["ResponseMetadata"]["HTTPStatusCode"], str(error.response["Error"]["Code"])
    return response["ResponseMetadata"]["HTTPStatusCode"], "ok"


def test_the_defaults_are_the_emulators_long_standing_answers() -> None:
    config = EmulatorConfig()
    assert (config.patterns, config.unknown_ids, config.bad_json, config.api_version) == (
        "anchored",
        "not-found",
        "split",
        None,
    )


# --- patterns: SMITHY-C --------------------------------------------------------------------------------------

_SMITHY_ONLY = [
    # (what, CreateCollaboration parameters that match their pattern only somewhere inside the value, the field)
    ("a name with a line break", {"name": "line one\nline two"}, "name"),
    (
        "an account id with a letter (A14)",
        {"members": [{"accountId": "12345678901x", "memberAbilities": [], "displayName": "m"}]},
        "members[0].accountId",
    ),
]


@pytest.mark.parametrize("patterns", ["anchored", "smithy"])
@pytest.mark.parametrize(("what", "params", "field"), _SMITHY_ONLY, ids=[what for what, _, _ in _SMITHY_ONLY])
def test_a_value_matching_only_unanchored_is_refused_only_under_the_anchored_reading(
    serve: Serve, patterns: str, what: str, params: dict[str, Any], field: str
) -> None:
    # Not recorded: an accepted value is echoed, and the response checker reads patterns anchored (inferred).
    who = serve(patterns=patterns, record=False)
    base: dict[str, Any] = {
        "name": "smithy",
        "members": [],
        "creatorMemberAbilities": [],
        "creatorDisplayName": "c",
        "queryLogStatus": "DISABLED",
    }
    call = lambda: who.raw.create_collaboration(**{**base, **params})  # noqa: E731
    if patterns == "smithy":
        assert call()["collaboration"]["id"]
        return
    refused = assert_error(call, "ValidationException", 400, reason="FIELD_VALIDATION_FAILED")
    assert [f["name"] for f in refused["fieldList"]] == [field]


@pytest.mark.parametrize("patterns", ["anchored", "smithy"])
def test_a_value_matching_nowhere_is_refused_under_both_readings(serve: Serve, patterns: str) -> None:
    who = serve(patterns=patterns)
    refused = assert_error(
        lambda: who.raw.list_members(collaborationIdentifier="zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz"),
        "ValidationException",
        400,
        reason="FIELD_VALIDATION_FAILED",
    )
    assert [f["name"] for f in refused["fieldList"]] == ["collaborationIdentifier"]


def test_the_smithy_reading_still_checks_everything_else(serve: Serve) -> None:
    who = serve(patterns="smithy")
    refused = assert_error(
        lambda: who.raw.create_collaboration(
            name="x\ny" * 40, members=[], creatorMemberAbilities=["NOPE"], creatorDisplayName="c", queryLogStatus="X"
        ),
        "ValidationException",
        400,
    )
    assert sorted(f["name"] for f in refused["fieldList"]) == ["creatorMemberAbilities[0]", "name", "queryLogStatus"]


# --- unknown ids: A16, CFN-NF, TF-NF --------------------------------------------------------------------------

_NOT_FOUND = {"not-found": (404, "ResourceNotFoundException"), "access-denied": (403, "AccessDeniedException")}
_UNKNOWN_COLLABORATION_CALLS: list[tuple[str, Callable[[Actors, str], Any]]] = [
    ("ListMembers", lambda who, cid: who.creator.list_members(collaborationIdentifier=cid)),
    ("DeleteMember", lambda who, cid: who.creator.delete_member(collaborationIdentifier=cid, accountId=MEMBER)),
    ("CreateMembership", lambda who, cid: join(who.member, cid)),
    ("CreateCollaborationChangeRequest", lambda who, cid: change_request(who.creator, cid, member_change(OUTSIDER))),
    ("GetCollaborationChangeRequest", lambda who, cid: get_request(who.creator, cid, UNKNOWN_ID)),
    (
        "ListCollaborationChangeRequests",
        lambda who, cid: who.creator.list_collaboration_change_requests(collaborationIdentifier=cid),
    ),
    ("UpdateCollaborationChangeRequest", lambda who, cid: act(who.member, cid, UNKNOWN_ID, "APPROVE")),
]


@pytest.mark.parametrize("unknown_ids", sorted(_NOT_FOUND))
@pytest.mark.parametrize(
    ("name", "call"), _UNKNOWN_COLLABORATION_CALLS, ids=[n for n, _ in _UNKNOWN_COLLABORATION_CALLS]
)
def test_an_unknown_or_deleted_collaboration_id(
    serve: Serve, unknown_ids: str, name: str, call: Callable[[Actors, str], Any]
) -> None:
    who = serve(unknown_ids=unknown_ids)
    deleted = create_collaboration(who.creator, [MEMBER])["id"]
    who.creator.delete_collaboration(collaborationIdentifier=deleted)
    for collaboration_id in (UNKNOWN_ID, deleted):
        assert outcome(lambda cid=collaboration_id: call(who, cid)) == _NOT_FOUND[unknown_ids], collaboration_id
    if unknown_ids == "not-found":
        refused = assert_error(lambda: call(who, UNKNOWN_ID), "ResourceNotFoundException", 404)
        assert (refused["resourceType"], refused["resourceId"]) == ("COLLABORATION", UNKNOWN_ID)


@pytest.mark.parametrize("unknown_ids", sorted(_NOT_FOUND))
def test_an_unknown_membership_id(serve: Serve, unknown_ids: str) -> None:
    who = serve(unknown_ids=unknown_ids)
    assert outcome(lambda: who.member.get_membership(membershipIdentifier=UNKNOWN_ID)) == _NOT_FOUND[unknown_ids]


@pytest.mark.parametrize("unknown_ids", sorted(_NOT_FOUND))
def test_what_the_reading_leaves_alone(serve: Serve, unknown_ids: str) -> None:
    """Unknown ids inside a known collaboration stay 404; foreign or model-forced cases stay 403."""
    who = serve(unknown_ids=unknown_ids)
    collab = create_collaboration(who.creator, [MEMBER])["id"]
    join(who.member, collab)
    for call in (
        lambda: get_request(who.member, collab, UNKNOWN_ID),
        lambda: act(who.member, collab, UNKNOWN_ID, "APPROVE"),
        lambda: who.creator.delete_member(collaborationIdentifier=collab, accountId=fresh_account()),
    ):
        assert outcome(call) == (404, "ResourceNotFoundException")
    for call in (
        lambda: who.creator.get_collaboration(collaborationIdentifier=UNKNOWN_ID),
        lambda: who.creator.update_collaboration(collaborationIdentifier=UNKNOWN_ID, name="n"),
        lambda: who.outsider.list_members(collaborationIdentifier=collab),
    ):
        assert outcome(call) == (403, "AccessDeniedException")


# --- malformed bodies: SMITHY ----------------------------------------------------------------------------------

_BAD_JSON = {
    # reading: (a body that is not a JSON object, a member of the wrong JSON type)
    "split": ("SerializationException", "ValidationException"),
    "validation": ("ValidationException", "ValidationException"),
    "serialization": ("SerializationException", "SerializationException"),
}


@pytest.mark.parametrize("bad_json", sorted(_BAD_JSON))
@pytest.mark.parametrize("body", [b'{"changes": [', b"changes=ADD_MEMBER", b"[]"])
def test_a_body_that_is_not_a_json_object(serve: Serve, bad_json: str, body: bytes) -> None:
    who = serve(bad_json=bad_json)
    collab = create_collaboration(who.creator, [], auto=["ADD_MEMBER"])["id"]
    with raw_body(who.raw, body):
        refused = assert_error(
            lambda: change_request(who.raw, collab, member_change(MEMBER, name="m")), _BAD_JSON[bad_json][0], 400
        )
    assert "request body" in refused["Error"]["Message"]
    assert (
        who.creator.list_collaboration_change_requests(collaborationIdentifier=collab)[
            "collaborationChangeRequestSummaries"
        ]
        == []
    )


@pytest.mark.parametrize("bad_json", sorted(_BAD_JSON))
def test_members_of_the_wrong_type(serve: Serve, bad_json: str) -> None:
    who = serve(bad_json=bad_json)
    collab = create_collaboration(who.creator, [], auto=["ADD_MEMBER"])["id"]
    expected = _BAD_JSON[bad_json][1]
    with raw_body(who.raw, b'{"changes": "ADD_MEMBER"}'):
        assert_error(lambda: change_request(who.raw, collab, member_change(MEMBER, name="m")), expected, 400)
    # A query-string member that is no integer is the same kind of fault.
    assert outcome(lambda: who.raw.list_collaborations(maxResults="many")) == (400, expected)  # type: ignore[arg-type]
    # A wrong type wins over other violations in the same request under the serialization reading.
    refused = outcome(lambda: who.raw.list_collaborations(maxResults="many", nextToken="x" * 10241))  # type: ignore[arg-type]
    assert refused == (400, expected)


@pytest.mark.parametrize("bad_json", sorted(_BAD_JSON))
def test_constraint_violations_stay_validation_errors(serve: Serve, bad_json: str) -> None:
    who = serve(bad_json=bad_json)
    assert_error(lambda: who.raw.list_collaborations(maxResults=0), "ValidationException", 400)


# --- api_version: §8 ---------------------------------------------------------------------------------------

TEN_INVITEES = [str(500000000000 + n) for n in range(10)]


def _create(who: Actors, **params: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "name": "era",
        "description": "d",
        "members": [{"accountId": MEMBER, "memberAbilities": [], "displayName": "m"}],
        "creatorMemberAbilities": ["CAN_QUERY", "CAN_RECEIVE_RESULTS"],
        "creatorDisplayName": "c",
        "queryLogStatus": "DISABLED",
        **params,
    }
    return dict(who.raw.create_collaboration(**{k: v for k, v in base.items() if v is not None})["collaboration"])


def test_an_operation_added_later_is_an_unknown_operation(serve: Serve) -> None:
    latest, old = serve(), serve(api_version=CHANGE_REQUESTS)
    collab = _create(latest)["id"]
    old_collab = _create(old, autoApprovedChangeRequestTypes=["ADD_MEMBER"])["id"]
    assert outcome(lambda: act(latest.creator, collab, UNKNOWN_ID, "CANCEL")) == (404, "ResourceNotFoundException")
    refused = assert_error(lambda: act(old.creator, old_collab, UNKNOWN_ID, "CANCEL"), "UnknownOperationException", 404)
    assert "2025-09-03" in refused["Error"]["Message"]
    # The same answer as for an operation the emulator does not implement at all.
    assert outcome(lambda: old.creator.list_configured_tables()) == (404, "UnknownOperationException")
    # Before change requests, none of their operations exists.
    first = serve(api_version=FIRST_MODEL)
    first_collab = _create(first)["id"]
    for call in (
        lambda: first.creator.list_collaboration_change_requests(collaborationIdentifier=first_collab),
        lambda: change_request(first.creator, first_collab, member_change(OUTSIDER, name="o")),
    ):
        assert outcome(call) == (404, "UnknownOperationException")
    assert outcome(lambda: old.creator.list_collaboration_change_requests(collaborationIdentifier=old_collab)) == (
        200,
        "ok",
    )


@pytest.mark.parametrize(
    ("api_version", "refused"),
    [
        (None, []),
        (date(2026, 8, 10), ["creatorMemberAbilities[0]"]),
        (CHANGE_REQUESTS, ["autoApprovedChangeRequestTypes[0]", "creatorMemberAbilities[0]"]),
    ],
)
def test_an_enum_value_added_later_is_invalid(serve: Serve, api_version: date | None, refused: list[str]) -> None:
    who = serve(api_version=api_version)
    call = lambda: _create(  # noqa: E731
        who,
        creatorMemberAbilities=["CAN_EXPORT_QUERY_ANALYSIS_LOG"],
        autoApprovedChangeRequestTypes=["GRANT_RECEIVE_RESULTS_ABILITY"],
    )
    if not refused:
        assert call()["autoApprovedChangeTypes"] == ["GRANT_RECEIVE_RESULTS_ABILITY"]
        return
    error = assert_error(call, "ValidationException", 400, reason="FIELD_VALIDATION_FAILED")
    assert sorted(f["name"] for f in error["fieldList"]) == refused


@pytest.mark.parametrize("api_version", [None, CHANGE_REQUESTS])
def test_a_collaboration_spec_does_not_exist_before_2025_12_18(serve: Serve, api_version: date | None) -> None:
    who = serve(api_version=api_version)
    collab = _create(who, autoApprovedChangeRequestTypes=["ADD_MEMBER"])["id"]
    spec = {"specificationType": "COLLABORATION", "specification": {"collaboration": {"autoApprovedChangeTypes": []}}}
    call = lambda: change_request(who.raw, collab, spec)  # noqa: E731
    if api_version is None:
        assert call()["changes"][0]["types"] == ["EDIT_AUTO_APPROVED_CHANGE_TYPES"]
        return
    error = assert_error(call, "ValidationException", 400)
    assert {f["name"] for f in error["fieldList"]} == {
        "changes[0].specificationType",
        "changes[0].specification.collaboration",
    }


@pytest.mark.parametrize("api_version", [None, CHANGE_REQUESTS, FIRST_MODEL])
def test_input_members_added_later_are_ignored_and_never_echoed(serve: Serve, api_version: date | None) -> None:
    who = serve(api_version=api_version)
    made = _create(
        who, isMetricsEnabled=True, allowedResultRegions=["us-east-1"], autoApprovedChangeRequestTypes=["ADD_MEMBER"]
    )
    shown = who.creator.get_collaboration(collaborationIdentifier=made["id"])["collaboration"]
    later = {"isMetricsEnabled", "allowedResultRegions", "autoApprovedChangeTypes"}
    if api_version is None:
        assert later <= made.keys()
        assert later <= shown.keys()
    else:
        assert api_version != CHANGE_REQUESTS or made["autoApprovedChangeTypes"] == ["ADD_MEMBER"]
        gone = later - ({"autoApprovedChangeTypes"} if api_version == CHANGE_REQUESTS else set())
        assert not gone & made.keys()
        assert not gone & shown.keys()
    membership = who.member.create_membership(
        collaborationIdentifier=made["id"], queryLogStatus="DISABLED", isMetricsEnabled=True
    )["membership"]
    assert ("isMetricsEnabled" in membership) == (api_version is None)


@pytest.mark.parametrize("api_version", [None, date(2026, 5, 20)])
def test_a_member_spec_part_added_later_is_ignored(serve: Serve, api_version: date | None) -> None:
    who = serve(api_version=api_version)
    collab = _create(who, autoApprovedChangeRequestTypes=["ADD_MEMBER"])["id"]
    payment = {"queryCompute": {"isResponsible": False}}
    made = change_request(who.creator, collab, member_change(OUTSIDER, name="o", paymentConfiguration=payment))
    assert made["status"] == "COMMITTED"
    assert ("paymentConfiguration" in made["changes"][0]["specification"]["member"]) == (api_version is None)


@pytest.mark.parametrize(
    ("api_version", "required"), [(None, False), (DESCRIPTION_OPTIONAL, False), (date(2026, 6, 29), True)]
)
def test_description_was_required_before_2026_06_30(serve: Serve, api_version: date | None, required: bool) -> None:
    who = serve(api_version=api_version)
    if not required:
        assert "description" not in _create(who, description=None)
        return
    error = assert_error(lambda: _create(who, description=None), "ValidationException", 400)
    assert [f["name"] for f in error["fieldList"]] == ["description"]
    assert "required" in error["fieldList"][0]["message"]


@pytest.mark.parametrize(
    ("api_version", "capped"), [(None, False), (MEMBER_CAP_DROPPED, False), (CHANGE_REQUESTS, True)]
)
def test_nine_invitees_at_most_before_2025_12_01(serve: Serve, api_version: date | None, capped: bool) -> None:
    who = serve(api_version=api_version)
    ten = [{"accountId": account, "memberAbilities": [], "displayName": "m"} for account in TEN_INVITEES]
    if not capped:
        assert len(members_by_account(who.creator, _create(who, members=ten)["id"])) == 11
        return
    error = assert_error(lambda: _create(who, members=ten), "ValidationException", 400)
    assert [f["name"] for f in error["fieldList"]] == ["members"]
    assert len(members_by_account(who.creator, _create(who, members=ten[:9])["id"])) == 10


@pytest.mark.parametrize("api_version", [None, CHANGE_REQUESTS])
def test_the_change_types_of_the_era(serve: Serve, api_version: date | None) -> None:
    """2025-09-03: ChangeType = {ADD_MEMBER}, and the member-spec note refuses CAN_RECEIVE_RESULTS (A12)."""
    who = serve(api_version=api_version)
    collab = _create(
        who,
        members=[{"accountId": MEMBER, "memberAbilities": ["CAN_RECEIVE_RESULTS"], "displayName": "m"}],
        autoApprovedChangeRequestTypes=["ADD_MEMBER"],
    )["id"]
    revoke = lambda: change_request(who.creator, collab, member_change(MEMBER, []))  # noqa: E731
    add_receiver = lambda: change_request(  # noqa: E731
        who.creator, collab, member_change(OUTSIDER, ["CAN_RECEIVE_RESULTS"], name="o")
    )
    if api_version is None:
        assert revoke()["changes"][0]["types"] == ["REVOKE_RECEIVE_RESULTS_ABILITY"]
        assert add_receiver()["status"] == "COMMITTED"
        return
    assert_error(revoke, "ValidationException", 400, reason="INVALID_CONFIGURATION")
    assert_error(add_receiver, "ValidationException", 400, reason="INVALID_CONFIGURATION")
    assert change_request(who.creator, collab, member_change(OUTSIDER, name="o"))["status"] == "COMMITTED"
    assert members_by_account(who.creator, collab)[OUTSIDER]["status"] == "INVITED"


@pytest.mark.parametrize("api_version", [None, CHANGE_REQUESTS])
def test_without_update_a_request_that_is_not_auto_approved_stays_pending(
    serve: Serve, api_version: date | None
) -> None:
    who = serve(api_version=api_version)
    collab = _create(who)["id"]
    join(who.member, collab)
    account = fresh_account()
    made = change_request(who.creator, collab, member_change(account, name="new"))
    assert (made["status"], made["isAutoApproved"]) == ("PENDING", False)
    listed = who.creator.list_collaboration_change_requests(collaborationIdentifier=collab)
    summary = listed["collaborationChangeRequestSummaries"][0]
    if api_version is None:
        assert made["approvals"] == {MEMBER: {"status": "PENDING"}} == summary["approvals"]
        act(who.member, collab, made["id"], "APPROVE")
        assert act(who.creator, collab, made["id"], "COMMIT")["status"] == "COMMITTED"
        return
    # Nobody can vote, commit or cancel: no approvals, PENDING for good, and it keeps its member (A10).
    assert "approvals" not in made
    assert "approvals" not in summary
    assert get_request(who.member, collab, made["id"])["status"] == "PENDING"
    assert account not in members_by_account(who.creator, collab)
    assert_error(
        lambda: change_request(who.creator, collab, member_change(account, name="again")),
        "ConflictException",
        409,
        reason="ALREADY_EXISTS",
    )


@pytest.mark.parametrize("api_version", [None, CHANGE_REQUESTS])
def test_an_auto_approved_request_is_committed_in_every_era(serve: Serve, api_version: date | None) -> None:
    who = serve(api_version=api_version)
    collab = _create(who, autoApprovedChangeRequestTypes=["ADD_MEMBER"])["id"]
    join(who.member, collab)
    made = change_request(who.creator, collab, member_change(OUTSIDER, name="o"))
    assert (made["status"], made["isAutoApproved"], "approvals" in made) == ("COMMITTED", True, False)
    assert members_by_account(who.creator, collab)[OUTSIDER]["status"] == "INVITED"


def test_a_creator_alone_before_update_waits_for_ever_instead_of_being_approved(serve: Serve) -> None:
    """A2 gives APPROVED at once (waiting for COMMIT); without COMMIT that would be a dead end too."""
    latest, old = serve(), serve(api_version=CHANGE_REQUESTS)
    for who, status in ((latest, "APPROVED"), (old, "PENDING")):
        collab = _create(who, members=[])["id"]
        assert change_request(who.creator, collab, member_change(fresh_account(), name="n"))["status"] == status


@pytest.mark.parametrize(("api_version", "refused"), [(None, False), (CHANGE_REQUESTS, True)])
def test_a_list_minimum_dropped_later_still_applies_to_an_older_api(
    serve: Serve, api_version: date | None, refused: bool
) -> None:
    """customMLMemberAbilities needed an item in the 2025-09-03 model; the installed model lets it be empty."""
    who = serve(api_version=api_version)
    abilities = {"customMLMemberAbilities": []}
    if not refused:
        assert _create(who, creatorMLMemberAbilities=abilities)["id"]
        return
    error = assert_error(lambda: _create(who, creatorMLMemberAbilities=abilities), "ValidationException", 400)
    assert [f["name"] for f in error["fieldList"]] == ["creatorMLMemberAbilities.customMLMemberAbilities"]
