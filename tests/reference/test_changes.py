"""Change requests through real boto3 clients: derivation, auto-approval, every state transition (§1, §2)."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.client import BaseClient

from conformance.reference import EmulatorConfig, ReferenceServer

from .support import (
    CREATOR,
    MEMBER,
    Actors,
    act,
    actors,
    assert_error,
    change_request,
    collaboration_change,
    create_collaboration,
    error_of,
    fresh_account,
    get_request,
    join,
    member_change,
    members_by_account,
)

MISSING_ID = "00000000-0000-4000-8000-000000000000"


def voting_collaboration(who: Actors, **kwargs: Any) -> str:
    """A collaboration where MEMBER has joined (so it votes) and the creator has not."""
    collab = create_collaboration(who.creator, [MEMBER], **kwargs)
    join(who.member, collab["id"])
    return str(collab["id"])


def pending(who: Actors, collab_id: str, account: str | None = None) -> dict[str, Any]:
    """A PENDING request adding a fresh account (ADD_MEMBER, not auto-approved here)."""
    return change_request(who.creator, collab_id, member_change(account or fresh_account(), name="joiner"))


def approved(who: Actors, collab_id: str) -> dict[str, Any]:
    request = pending(who, collab_id)
    return act(who.member, collab_id, request["id"], "APPROVE")


# --- creation and derivation (§1.1, §2, A10-A12) ----------------------------------------------------------


def test_only_the_creator_creates_requests(who: Actors) -> None:
    collab_id = voting_collaboration(who)
    change = member_change(fresh_account(), name="x")
    for client_ in (who.member, who.outsider):
        assert_error(
            lambda c=client_: change_request(c, collab_id, change),
            "AccessDeniedException",
            403,
            reason="INSUFFICIENT_PERMISSIONS",
        )
    assert_error(
        lambda: change_request(who.creator, MISSING_ID, change),
        "ResourceNotFoundException",
        404,
        resourceType="COLLABORATION",
        resourceId=MISSING_ID,
    )
    assert (
        who.creator.list_collaboration_change_requests(collaborationIdentifier=collab_id)[
            "collaborationChangeRequestSummaries"
        ]
        == []
    )


def test_a_new_request_waits_for_every_active_member_but_the_creator(who: Actors) -> None:
    second = fresh_account()
    invited_only = fresh_account()
    collab = create_collaboration(who.creator, [MEMBER, second, invited_only])
    join(who.member, collab["id"])
    join(who.as_account(second), collab["id"])
    join(who.creator, collab["id"])  # an ACTIVE creator still does not vote (A1, A3)
    account = fresh_account()
    request = change_request(who.creator, collab["id"], member_change(account, name="new one"))
    assert request["status"] == "PENDING"
    assert request["isAutoApproved"] is False
    assert request["approvals"] == {MEMBER: {"status": "PENDING"}, second: {"status": "PENDING"}}
    assert request["createTime"] == request["updateTime"]
    assert request["collaborationId"] == collab["id"]
    assert request["changes"] == [
        {
            "specificationType": "MEMBER",
            "specification": {"member": {"accountId": account, "memberAbilities": [], "displayName": "new one"}},
            "types": ["ADD_MEMBER"],
        }
    ]


@pytest.mark.parametrize(
    ("held", "wanted", "extra", "types"),
    [
        ([], ["CAN_RECEIVE_RESULTS"], {}, ["GRANT_RECEIVE_RESULTS_ABILITY"]),
        (["CAN_RECEIVE_RESULTS"], [], {}, ["REVOKE_RECEIVE_RESULTS_ABILITY"]),
        ([], ["CAN_EXPORT_QUERY_ANALYSIS_LOG"], {}, ["GRANT_EXPORT_QUERY_ANALYSIS_LOG_ABILITY"]),
        (
            ["CAN_RECEIVE_RESULTS"],
            ["CAN_EXPORT_QUERY_ANALYSIS_LOG"],
            {},
            ["REVOKE_RECEIVE_RESULTS_ABILITY", "GRANT_EXPORT_QUERY_ANALYSIS_LOG_ABILITY"],
        ),
        (
            [],
            [],
            {"mlMemberAbilities": {"customMLMemberAbilities": ["CAN_RECEIVE_MODEL_OUTPUT"]}},
            ["GRANT_CAN_RECEIVE_MODEL_OUTPUT"],
        ),
        ([], [], {"paymentConfiguration": {"queryCompute": {"isResponsible": True}}}, ["ADD_PAYER_CANDIDATE"]),
        (["CAN_QUERY"], ["CAN_RECEIVE_RESULTS"], {}, ["GRANT_RECEIVE_RESULTS_ABILITY"]),  # CAN_QUERY kept as held
    ],
)
def test_types_follow_from_the_difference_with_the_member(
    who: Actors, held: list[str], wanted: list[str], extra: dict[str, Any], types: list[str]
) -> None:
    collab = who.creator.create_collaboration(
        name="abilities",
        members=[{"accountId": MEMBER, "memberAbilities": held, "displayName": "m"}],
        creatorMemberAbilities=[],
        creatorDisplayName="c",
        queryLogStatus="DISABLED",
    )["collaboration"]
    request = change_request(who.creator, collab["id"], member_change(MEMBER, wanted, **extra))
    assert request["changes"][0]["types"] == types


def test_ml_revoke_and_payer_removal(who: Actors) -> None:
    collab = who.creator.create_collaboration(
        name="ml",
        members=[
            {
                "accountId": MEMBER,
                "memberAbilities": [],
                "displayName": "m",
                "mlMemberAbilities": {"customMLMemberAbilities": ["CAN_RECEIVE_INFERENCE_OUTPUT"]},
                "paymentConfiguration": {"queryCompute": {"isResponsible": True}},
            }
        ],
        creatorMemberAbilities=[],
        creatorDisplayName="c",
        queryLogStatus="DISABLED",
    )["collaboration"]
    change = member_change(
        MEMBER,
        mlMemberAbilities={"customMLMemberAbilities": []},
        paymentConfiguration={"queryCompute": {"isResponsible": False}},
    )
    request = change_request(who.creator, collab["id"], change)
    assert request["changes"][0]["types"] == ["REVOKE_CAN_RECEIVE_INFERENCE_OUTPUT", "REMOVE_PAYER_CANDIDATE"]


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param([member_change("444444444441", ["CAN_QUERY"], name="q")], id="A12-can-query"),
        pytest.param([member_change("444444444442", ["CAN_RUN_JOB"], name="j")], id="A12-can-run-job"),
        pytest.param(
            [
                {
                    "specificationType": "COLLABORATION",
                    "specification": {"member": {"accountId": "444444444443", "memberAbilities": []}},
                }
            ],
            id="spec-type-mismatch",
        ),
        pytest.param(
            [member_change("444444444444", name="a"), member_change("444444444444", name="b")],
            id="A10-duplicate-target",
        ),
        pytest.param(
            [collaboration_change([]), collaboration_change(["ADD_MEMBER"])], id="A10-two-collaboration-changes"
        ),
        pytest.param([member_change(CREATOR, ["CAN_RECEIVE_RESULTS"])], id="A11-the-creator"),
        pytest.param([member_change(MEMBER, [])], id="A11-nothing-changes"),
        pytest.param([member_change("444444444445")], id="new-member-without-display-name"),
        pytest.param(
            [{"specificationType": "COLLABORATION", "specification": {"collaboration": {}}}], id="A17-no-type-list"
        ),
    ],
)
def test_semantic_refusals_are_invalid_configuration(who: Actors, changes: list[dict[str, Any]]) -> None:
    collab_id = voting_collaboration(who)
    assert_error(
        lambda: who.raw.create_collaboration_change_request(collaborationIdentifier=collab_id, changes=changes),
        "ValidationException",
        400,
        reason="INVALID_CONFIGURATION",
    )
    listed = who.creator.list_collaboration_change_requests(collaborationIdentifier=collab_id)
    assert listed["collaborationChangeRequestSummaries"] == []


def test_model_violations_in_changes_are_field_validation(who: Actors) -> None:
    collab_id = voting_collaboration(who)
    response = assert_error(
        lambda: who.raw.create_collaboration_change_request(
            collaborationIdentifier=collab_id,
            changes=[
                {
                    "specificationType": "MEMBER",
                    "specification": {"member": {"accountId": "1", "memberAbilities": ["X"]}},
                }
            ],
        ),
        "ValidationException",
        400,
        reason="FIELD_VALIDATION_FAILED",
    )
    names = {entry["name"] for entry in response["fieldList"]}
    assert {"changes[0].specification.member.accountId", "changes[0].specification.member.memberAbilities[0]"} <= names
    assert_error(
        lambda: who.raw.create_collaboration_change_request(collaborationIdentifier=collab_id, changes=[]),
        "ValidationException",
        400,
        reason="FIELD_VALIDATION_FAILED",
    )


def test_a_second_open_request_for_the_same_member_conflicts(who: Actors) -> None:
    collab_id = voting_collaboration(who)
    account = fresh_account()
    first = pending(who, collab_id, account)
    response = assert_error(
        lambda: pending(who, collab_id, account),
        "ConflictException",
        409,
        resourceType="COLLABORATION",
        resourceId=first["id"],
    )
    assert response["reason"] == "ALREADY_EXISTS"
    act(who.member, collab_id, first["id"], "APPROVE")  # APPROVED is still open
    assert_error(lambda: pending(who, collab_id, account), "ConflictException", 409)
    act(who.creator, collab_id, first["id"], "CANCEL")
    assert pending(who, collab_id, account)["status"] == "PENDING"  # a settled request no longer blocks


def test_a_removed_member_cannot_be_changed_or_re_added(who: Actors) -> None:
    collab_id = voting_collaboration(who)
    removed = fresh_account()
    request = change_request(who.creator, collab_id, member_change(removed, name="soon gone"))
    act(who.member, collab_id, request["id"], "APPROVE")
    act(who.creator, collab_id, request["id"], "COMMIT")
    who.creator.delete_member(collaborationIdentifier=collab_id, accountId=removed)
    assert_error(
        lambda: change_request(who.creator, collab_id, member_change(removed, ["CAN_RECEIVE_RESULTS"], name="back")),
        "ConflictException",
        409,
        reason="INVALID_STATE",
    )


# --- auto-approval (A4, A17) ------------------------------------------------------------------------------


def test_fully_auto_approved_requests_are_committed_at_once(who: Actors) -> None:
    collab_id = voting_collaboration(who, auto=["ADD_MEMBER"])
    account = fresh_account()
    request = change_request(who.creator, collab_id, member_change(account, name="auto"))
    assert request["status"] == "COMMITTED"
    assert request["isAutoApproved"] is True
    assert "approvals" not in request
    row = members_by_account(who.creator, collab_id)[account]
    assert row["status"] == "INVITED"
    assert row["displayName"] == "auto"
    membership = join(who.as_account(account), collab_id)  # the new member can join (§2)
    assert membership["status"] == "ACTIVE"


def test_partly_auto_approved_requests_go_to_a_vote(who: Actors) -> None:
    collab_id = voting_collaboration(who, auto=["ADD_MEMBER"])
    request = change_request(
        who.creator, collab_id, member_change(fresh_account(), name="a"), member_change(MEMBER, ["CAN_RECEIVE_RESULTS"])
    )
    assert request["status"] == "PENDING"
    assert request["isAutoApproved"] is False
    assert [c["types"] for c in request["changes"]] == [["ADD_MEMBER"], ["GRANT_RECEIVE_RESULTS_ABILITY"]]


def test_editing_auto_approved_types_replaces_the_set(who: Actors) -> None:
    collab_id = voting_collaboration(who, auto=["GRANT_RECEIVE_RESULTS_ABILITY"])
    edit = change_request(who.creator, collab_id, collaboration_change(["ADD_MEMBER"]))
    assert edit["changes"][0]["types"] == ["EDIT_AUTO_APPROVED_CHANGE_TYPES"]
    assert edit["status"] == "PENDING"  # EDIT_AUTO_APPROVED_CHANGE_TYPES is never auto-approvable
    act(who.member, collab_id, edit["id"], "APPROVE")
    act(who.creator, collab_id, edit["id"], "COMMIT")
    collab = who.creator.get_collaboration(collaborationIdentifier=collab_id)["collaboration"]
    assert collab["autoApprovedChangeTypes"] == ["ADD_MEMBER"]
    assert change_request(who.creator, collab_id, member_change(fresh_account(), name="n"))["status"] == "COMMITTED"
    grant = change_request(who.creator, collab_id, member_change(MEMBER, ["CAN_RECEIVE_RESULTS"]))
    assert grant["status"] == "PENDING"  # no longer auto-approved


def test_without_voters_a_request_is_approved_at_once(who: Actors) -> None:
    collab = create_collaboration(who.creator, [MEMBER])  # MEMBER only INVITED: nobody votes (A1, A2)
    request = change_request(who.creator, collab["id"], member_change(fresh_account(), name="n"))
    assert request["status"] == "APPROVED"
    assert "approvals" not in request
    assert act(who.creator, collab["id"], request["id"], "COMMIT")["status"] == "COMMITTED"


# --- the state machine (§1.6, A3, A5, A7, A9, A18) --------------------------------------------------------


def test_pending_to_approved_to_committed_applies_the_change(who: Actors) -> None:
    collab_id = voting_collaboration(who)
    request = change_request(who.creator, collab_id, member_change(MEMBER, ["CAN_RECEIVE_RESULTS"]))
    voted = act(who.member, collab_id, request["id"], "APPROVE")
    assert voted["status"] == "APPROVED"
    assert voted["approvals"] == {MEMBER: {"status": "APPROVED"}}
    assert voted["updateTime"] > request["updateTime"]
    assert members_by_account(who.creator, collab_id)[MEMBER]["abilities"] == []  # not applied before COMMIT
    committed = act(who.creator, collab_id, request["id"], "COMMIT")
    assert committed["status"] == "COMMITTED"
    assert committed["updateTime"] > voted["updateTime"]
    assert members_by_account(who.creator, collab_id)[MEMBER]["abilities"] == ["CAN_RECEIVE_RESULTS"]
    membership_id = who.member.get_collaboration(collaborationIdentifier=collab_id)["collaboration"]["membershipId"]
    assert who.member.get_membership(membershipIdentifier=membership_id)["membership"]["memberAbilities"] == [
        "CAN_RECEIVE_RESULTS"
    ]


def test_committed_add_member_invites_the_account(who: Actors) -> None:
    collab_id = voting_collaboration(who)
    account = fresh_account()
    request = pending(who, collab_id, account)
    act(who.member, collab_id, request["id"], "APPROVE")
    act(who.creator, collab_id, request["id"], "COMMIT")
    assert members_by_account(who.creator, collab_id)[account]["status"] == "INVITED"
    invited = who.as_account(account).list_collaborations(memberStatus="INVITED")["collaborationList"]
    assert [c["id"] for c in invited] == [collab_id]


def test_every_voter_must_approve_and_each_vote_bumps_update_time(who: Actors) -> None:
    second = fresh_account()
    collab = create_collaboration(who.creator, [MEMBER, second])
    join(who.member, collab["id"])
    join(who.as_account(second), collab["id"])
    request = pending(who, collab["id"])
    first_vote = act(who.member, collab["id"], request["id"], "APPROVE")
    assert first_vote["status"] == "PENDING"  # one of two voters
    assert first_vote["updateTime"] > request["updateTime"]  # A18
    assert first_vote["approvals"] == {MEMBER: {"status": "APPROVED"}, second: {"status": "PENDING"}}
    last_vote = act(who.as_account(second), collab["id"], request["id"], "APPROVE")
    assert last_vote["status"] == "APPROVED"
    assert last_vote["updateTime"] > first_vote["updateTime"]


def test_one_deny_ends_the_request(who: Actors) -> None:
    collab_id = voting_collaboration(who)
    request = pending(who, collab_id)
    denied = act(who.member, collab_id, request["id"], "DENY")
    assert denied["status"] == "DENIED"
    assert denied["approvals"] == {MEMBER: {"status": "DENIED"}}


@pytest.mark.parametrize("start", ["PENDING", "APPROVED"])
def test_the_creator_cancels_open_requests(who: Actors, start: str) -> None:
    collab_id = voting_collaboration(who)
    request = pending(who, collab_id) if start == "PENDING" else approved(who, collab_id)
    assert request["status"] == start
    cancelled = act(who.creator, collab_id, request["id"], "CANCEL")  # A9
    assert cancelled["status"] == "CANCELLED"


def _in_state(who: Actors, collab_id: str, state: str) -> dict[str, Any]:
    request = pending(who, collab_id)
    if state == "PENDING":
        return request
    if state == "DENIED":
        return act(who.member, collab_id, request["id"], "DENY")
    request = act(who.member, collab_id, request["id"], "APPROVE")
    if state == "APPROVED":
        return request
    return act(who.creator, collab_id, request["id"], "COMMIT" if state == "COMMITTED" else "CANCEL")


# (state, actor, action) → refused how (A7: wrong actor 403; right actor, wrong state 409 INVALID_STATE)
REFUSALS = [
    ("PENDING", "creator", "COMMIT", 409),
    ("PENDING", "creator", "APPROVE", 403),  # A3
    ("PENDING", "creator", "DENY", 403),
    ("PENDING", "member", "CANCEL", 403),
    ("PENDING", "member", "COMMIT", 403),
    ("PENDING", "outsider", "APPROVE", 403),
    ("PENDING", "outsider", "CANCEL", 403),
    ("APPROVED", "member", "APPROVE", 409),  # A5: no second vote
    ("APPROVED", "member", "DENY", 409),
    ("APPROVED", "member", "COMMIT", 403),
    ("DENIED", "member", "APPROVE", 409),
    ("DENIED", "creator", "COMMIT", 409),
    ("DENIED", "creator", "CANCEL", 409),
    ("CANCELLED", "creator", "CANCEL", 409),
    ("CANCELLED", "creator", "COMMIT", 409),
    ("CANCELLED", "member", "APPROVE", 409),
    ("COMMITTED", "creator", "COMMIT", 409),
    ("COMMITTED", "creator", "CANCEL", 409),
    ("COMMITTED", "member", "DENY", 409),
    ("COMMITTED", "outsider", "COMMIT", 403),
]


@pytest.mark.parametrize(("state", "actor", "action", "status"), REFUSALS)
def test_refused_transitions_change_nothing(who: Actors, state: str, actor: str, action: str, status: int) -> None:
    collab_id = voting_collaboration(who)
    request = _in_state(who, collab_id, state)
    before = get_request(who.creator, collab_id, request["id"])
    client_: BaseClient = getattr(who, actor)
    response = error_of(lambda: act(client_, collab_id, request["id"], action))
    assert response["ResponseMetadata"]["HTTPStatusCode"] == status
    if status == 409:
        assert response["Error"]["Code"] == "ConflictException"
        assert response["reason"] == "INVALID_STATE"
    else:
        assert response["Error"]["Code"] == "AccessDeniedException"
        assert response["reason"] == "INSUFFICIENT_PERMISSIONS"
    assert get_request(who.creator, collab_id, request["id"]) == before


def test_voters_are_fixed_when_the_request_is_made(who: Actors) -> None:
    late = fresh_account()
    collab = create_collaboration(who.creator, [MEMBER, late])
    join(who.member, collab["id"])
    request = pending(who, collab["id"])
    late_client = who.as_account(late)
    assert_error(
        lambda: act(late_client, collab["id"], request["id"], "APPROVE"), "AccessDeniedException", 403
    )  # INVITED
    join(late_client, collab["id"])
    assert_error(lambda: act(late_client, collab["id"], request["id"], "APPROVE"), "AccessDeniedException", 403)  # A1


def test_a_member_on_an_auto_approved_request_is_in_the_wrong_state(who: Actors) -> None:
    collab_id = voting_collaboration(who, auto=["ADD_MEMBER"])
    request = change_request(who.creator, collab_id, member_change(fresh_account(), name="a"))
    assert_error(
        lambda: act(who.member, collab_id, request["id"], "APPROVE"), "ConflictException", 409, reason="INVALID_STATE"
    )


def test_removing_the_last_pending_voter_approves_the_request(who: Actors) -> None:
    collab_id = voting_collaboration(who)
    request = pending(who, collab_id)
    who.creator.delete_member(collaborationIdentifier=collab_id, accountId=MEMBER)
    after = get_request(who.creator, collab_id, request["id"])
    assert after["status"] == "APPROVED"
    assert "approvals" not in after


def test_unknown_requests_and_collaborations(who: Actors) -> None:
    collab_id = voting_collaboration(who)
    for call in (
        lambda: get_request(who.creator, collab_id, MISSING_ID),
        lambda: act(who.member, collab_id, MISSING_ID, "APPROVE"),
    ):
        assert_error(call, "ResourceNotFoundException", 404, resourceType="COLLABORATION", resourceId=MISSING_ID)  # A8
    request = pending(who, collab_id)
    other = voting_collaboration(who)
    assert_error(lambda: get_request(who.creator, other, request["id"]), "ResourceNotFoundException", 404)
    assert_error(lambda: get_request(who.creator, MISSING_ID, request["id"]), "ResourceNotFoundException", 404)
    assert_error(lambda: get_request(who.outsider, collab_id, request["id"]), "AccessDeniedException", 403)
    assert_error(lambda: get_request(who.outsider, collab_id, MISSING_ID), "AccessDeniedException", 403)
    assert_error(
        lambda: who.raw.update_collaboration_change_request(
            collaborationIdentifier=collab_id, changeRequestIdentifier=request["id"], action="MAYBE"
        ),
        "ValidationException",
        400,
        reason="FIELD_VALIDATION_FAILED",
    )


# --- Get/List (§4, A6, A15) -------------------------------------------------------------------------------


def test_invited_members_read_requests_outsiders_do_not(who: Actors) -> None:
    collab = create_collaboration(who.creator, [MEMBER])
    request = change_request(who.creator, collab["id"], member_change(fresh_account(), name="n"))
    assert get_request(who.member, collab["id"], request["id"]) == request
    listed = who.member.list_collaboration_change_requests(collaborationIdentifier=collab["id"])
    assert listed["collaborationChangeRequestSummaries"] == [request]  # summaries carry the same fields
    assert_error(
        lambda: who.outsider.list_collaboration_change_requests(collaborationIdentifier=collab["id"]),
        "AccessDeniedException",
        403,
    )
    assert_error(
        lambda: who.creator.list_collaboration_change_requests(collaborationIdentifier=MISSING_ID),
        "ResourceNotFoundException",
        404,
    )


def _all_pages(client_: BaseClient, collab_id: str, **kwargs: Any) -> tuple[list[dict[str, Any]], int]:
    items: list[dict[str, Any]] = []
    pages = 0
    token: str | None = None
    while True:
        page = client_.list_collaboration_change_requests(
            collaborationIdentifier=collab_id, **kwargs, **({"nextToken": token} if token else {})
        )
        items += page["collaborationChangeRequestSummaries"]
        pages += 1
        token = page.get("nextToken")
        if token is None:
            return items, pages


def test_list_pages_in_creation_order_with_a_status_filter(who: Actors) -> None:
    collab_id = voting_collaboration(who)
    made = [pending(who, collab_id)["id"] for _ in range(5)]
    act(who.member, collab_id, made[1], "DENY")
    act(who.creator, collab_id, made[3], "CANCEL")
    items, pages = _all_pages(who.creator, collab_id, maxResults=1)
    assert [r["id"] for r in items] == made
    assert pages == 5  # no token after the last item
    times = [r["createTime"] for r in items]
    assert times == sorted(times)
    still, _ = _all_pages(who.creator, collab_id, maxResults=1, status="PENDING")
    assert [r["id"] for r in still] == [made[0], made[2], made[4]]
    denied, denied_pages = _all_pages(who.creator, collab_id, maxResults=1, status="DENIED")
    assert [r["id"] for r in denied] == [made[1]]
    assert denied_pages == 1
    assert _all_pages(who.creator, collab_id, status="COMMITTED")[0] == []


def test_foreign_tokens_are_refused(who: Actors) -> None:
    collab_id = voting_collaboration(who)
    other_id = voting_collaboration(who)
    for collab in (collab_id, other_id):
        for _ in range(2):
            pending(who, collab)
    token = who.creator.list_collaboration_change_requests(collaborationIdentifier=collab_id, maxResults=1)["nextToken"]
    for call in (
        lambda: who.creator.list_collaboration_change_requests(collaborationIdentifier=other_id, nextToken=token),
        lambda: who.creator.list_collaboration_change_requests(
            collaborationIdentifier=collab_id, nextToken=token, status="PENDING"
        ),
        lambda: who.creator.list_members(collaborationIdentifier=collab_id, nextToken=token),
        lambda: who.creator.list_collaboration_change_requests(
            collaborationIdentifier=collab_id, nextToken=token[:-2] + "xx"
        ),
    ):
        response = assert_error(call, "ValidationException", 400, reason="FIELD_VALIDATION_FAILED")
        assert response["fieldList"][0]["name"] == "nextToken"
    again = who.creator.list_collaboration_change_requests(
        collaborationIdentifier=collab_id, maxResults=1, nextToken=token
    )
    assert len(again["collaborationChangeRequestSummaries"]) == 1


def test_descending_order_is_a_configuration_switch() -> None:
    with ReferenceServer(config=EmulatorConfig(list_order="descending")) as server:
        who = actors(server.url)
        collab_id = voting_collaboration(who)
        made = [pending(who, collab_id)["id"] for _ in range(3)]
        items, _ = _all_pages(who.creator, collab_id, maxResults=2)
        assert [r["id"] for r in items] == made[::-1]
        rows = who.creator.list_members(collaborationIdentifier=collab_id)["memberSummaries"]
        assert [r["accountId"] for r in rows] == [MEMBER, CREATOR]
