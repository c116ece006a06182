"""The collaboration, member and membership operations through real boto3 clients (docs/behaviour.md §3, §7, A16)."""

from __future__ import annotations

import re
import time

import pytest

from .support import (
    CREATOR,
    MEMBER,
    OUTSIDER,
    UUID_PATTERN,
    Actors,
    assert_error,
    create_collaboration,
    fresh_account,
    join,
    members_by_account,
)

MISSING_ID = "00000000-0000-4000-8000-000000000000"


# --- CreateCollaboration ----------------------------------------------------------------------------------


def test_create_collaboration_makes_creator_and_invitees_invited(who: Actors) -> None:
    collab = create_collaboration(who.creator, [MEMBER], description="d", analyticsEngine="SPARK")
    assert re.fullmatch(UUID_PATTERN, collab["id"])
    assert collab["arn"] == f"arn:aws:cleanrooms:us-east-1:{CREATOR}:collaboration/{collab['id']}"
    assert collab["creatorAccountId"] == CREATOR
    assert collab["memberStatus"] == "INVITED"  # §7: the creator is not a member until it joins
    assert "membershipId" not in collab
    assert "membershipArn" not in collab
    assert collab["createTime"] == collab["updateTime"]
    assert collab["description"] == "d"
    assert collab["analyticsEngine"] == "SPARK"
    rows = members_by_account(who.creator, collab["id"])
    assert rows[CREATOR]["status"] == "INVITED"
    assert rows[CREATOR]["abilities"] == ["CAN_QUERY", "CAN_RECEIVE_RESULTS"]
    assert rows[CREATOR]["paymentConfiguration"] == {"queryCompute": {"isResponsible": True}}
    assert rows[MEMBER]["status"] == "INVITED"
    assert rows[MEMBER]["paymentConfiguration"] == {"queryCompute": {"isResponsible": False}}


@pytest.mark.parametrize(("given", "shown"), [(["ADD_MEMBER"], ["ADD_MEMBER"]), ([], []), (None, None)])
def test_auto_approved_types_are_echoed_when_given(who: Actors, given: list[str] | None, shown: object) -> None:
    collab = create_collaboration(who.creator, [], auto=given)
    assert collab.get("autoApprovedChangeTypes") == shown
    again = who.creator.get_collaboration(collaborationIdentifier=collab["id"])["collaboration"]
    assert again.get("autoApprovedChangeTypes") == shown


def test_create_collaboration_keeps_optional_settings(who: Actors) -> None:
    payment = {"queryCompute": {"isResponsible": False}, "jobCompute": {"isResponsible": True}}
    collab = create_collaboration(
        who.creator,
        [MEMBER],
        jobLogStatus="ENABLED",
        allowedResultRegions=["us-east-1"],
        isMetricsEnabled=True,
        dataEncryptionMetadata={
            "allowCleartext": True,
            "allowDuplicates": False,
            "allowJoinsOnColumnsWithDifferentNames": False,
            "preserveNulls": True,
        },
        creatorPaymentConfiguration=payment,
        creatorMLMemberAbilities={"customMLMemberAbilities": ["CAN_RECEIVE_MODEL_OUTPUT"]},
    )
    assert collab["jobLogStatus"] == "ENABLED"
    assert collab["allowedResultRegions"] == ["us-east-1"]
    assert collab["isMetricsEnabled"] is True
    assert collab["dataEncryptionMetadata"]["preserveNulls"] is True
    creator_row = members_by_account(who.creator, collab["id"])[CREATOR]
    assert creator_row["paymentConfiguration"] == payment
    assert creator_row["mlAbilities"] == {"customMLMemberAbilities": ["CAN_RECEIVE_MODEL_OUTPUT"]}


def test_create_collaboration_refuses_clean_rooms_sql(who: Actors) -> None:
    assert_error(
        lambda: create_collaboration(who.creator, [], analyticsEngine="CLEAN_ROOMS_SQL"),
        "ValidationException",
        400,
        reason="INVALID_CONFIGURATION",
    )


def test_create_collaboration_refuses_the_creator_as_invitee(who: Actors) -> None:
    assert_error(
        lambda: create_collaboration(who.creator, [CREATOR]), "ValidationException", 400, reason="INVALID_CONFIGURATION"
    )
    assert_error(
        lambda: create_collaboration(who.creator, [MEMBER, MEMBER]),
        "ValidationException",
        400,
        reason="INVALID_CONFIGURATION",
    )


def test_model_violations_are_listed_field_by_field(who: Actors) -> None:
    response = assert_error(
        lambda: who.raw.create_collaboration(
            name="n" * 101,
            members=[{"accountId": "12345", "memberAbilities": ["CAN_FLY"], "displayName": "x"}],
            creatorMemberAbilities=[],
            queryLogStatus="SOMETIMES",
        ),
        "ValidationException",
        400,
        reason="FIELD_VALIDATION_FAILED",
    )
    names = {entry["name"] for entry in response["fieldList"]}
    assert {"name", "members[0].accountId", "members[0].memberAbilities[0]", "queryLogStatus"} <= names
    assert "creatorDisplayName" in names  # missing required member
    assert response["Error"]["Message"].startswith(f"{len(response['fieldList'])} validation errors detected: ")


def test_one_violation_reads_in_the_singular(who: Actors) -> None:
    response = assert_error(
        lambda: who.raw.list_collaborations(maxResults=101),
        "ValidationException",
        400,
        reason="FIELD_VALIDATION_FAILED",
    )
    assert response["fieldList"] == [{"name": "maxResults", "message": response["fieldList"][0]["message"]}]
    assert response["Error"]["Message"].startswith("1 validation error detected: Value at 'maxResults'")


def test_query_strings_are_converted_to_the_member_type(who: Actors) -> None:
    # botocore would send maxResults=abc only as a string; the server reports it as the wrong type.
    response = assert_error(lambda: who.raw.list_collaborations(maxResults="abc"), "ValidationException", 400)
    assert response["fieldList"][0]["name"] == "maxResults"
    assert "integer" in response["fieldList"][0]["message"]


# --- GetCollaboration / UpdateCollaboration / DeleteCollaboration -----------------------------------------


def test_get_collaboration_shows_the_callers_own_status(who: Actors) -> None:
    collab = create_collaboration(who.creator, [MEMBER])
    seen = who.member.get_collaboration(collaborationIdentifier=collab["id"])["collaboration"]
    assert seen["memberStatus"] == "INVITED"
    assert "membershipId" not in seen
    membership = join(who.member, collab["id"])
    seen = who.member.get_collaboration(collaborationIdentifier=collab["id"])["collaboration"]
    assert seen["memberStatus"] == "ACTIVE"
    assert seen["membershipId"] == membership["id"]
    assert seen["membershipArn"] == membership["arn"]
    as_creator = who.creator.get_collaboration(collaborationIdentifier=collab["id"])["collaboration"]
    assert as_creator["memberStatus"] == "INVITED"
    assert "membershipId" not in as_creator


def test_get_collaboration_is_403_for_outsiders_and_unknown_ids(who: Actors) -> None:
    collab = create_collaboration(who.creator, [MEMBER])
    for call in (
        lambda: who.outsider.get_collaboration(collaborationIdentifier=collab["id"]),
        lambda: who.creator.get_collaboration(collaborationIdentifier=MISSING_ID),
    ):
        assert_error(call, "AccessDeniedException", 403, reason="INSUFFICIENT_PERMISSIONS")  # §7: no 404 modelled
    assert_error(lambda: who.raw.get_collaboration(collaborationIdentifier="not-a-uuid"), "ValidationException", 400)


def test_update_collaboration_by_the_creator(who: Actors) -> None:
    collab = create_collaboration(who.creator, [MEMBER])
    time.sleep(0.002)
    updated = who.creator.update_collaboration(
        collaborationIdentifier=collab["id"], name="renamed", description="new", analyticsEngine="SPARK"
    )["collaboration"]
    assert (updated["name"], updated["description"], updated["analyticsEngine"]) == ("renamed", "new", "SPARK")
    assert updated["updateTime"] > collab["updateTime"]
    assert updated["createTime"] == collab["createTime"]


def test_update_collaboration_refusals(who: Actors) -> None:
    collab = create_collaboration(who.creator, [MEMBER])
    join(who.member, collab["id"])
    for call in (
        lambda: who.member.update_collaboration(collaborationIdentifier=collab["id"], name="x"),  # A7
        lambda: who.outsider.update_collaboration(collaborationIdentifier=collab["id"], name="x"),
        lambda: who.creator.update_collaboration(collaborationIdentifier=MISSING_ID, name="x"),
    ):
        assert_error(call, "AccessDeniedException", 403)
    assert_error(
        lambda: who.creator.update_collaboration(
            collaborationIdentifier=collab["id"], analyticsEngine="CLEAN_ROOMS_SQL"
        ),
        "ValidationException",
        400,
        reason="INVALID_CONFIGURATION",
    )
    assert (
        who.creator.get_collaboration(collaborationIdentifier=collab["id"])["collaboration"]["name"] == collab["name"]
    )


def test_delete_collaboration_ends_memberships_and_a_second_delete_is_denied(who: Actors) -> None:
    collab = create_collaboration(who.creator, [MEMBER])
    membership = join(who.member, collab["id"])
    assert_error(
        lambda: who.member.delete_collaboration(collaborationIdentifier=collab["id"]), "AccessDeniedException", 403
    )
    first = who.creator.delete_collaboration(collaborationIdentifier=collab["id"])
    assert first["ResponseMetadata"]["HTTPStatusCode"] == 204
    # A16: a deleted collaboration is gone, and AWS answers AccessDenied for it (CFN-NF, TF-NF).
    assert_error(
        lambda: who.creator.delete_collaboration(collaborationIdentifier=collab["id"]), "AccessDeniedException", 403
    )
    kept = who.member.get_membership(membershipIdentifier=membership["id"])["membership"]
    assert kept["status"] == "COLLABORATION_DELETED"  # §7: members keep their membership
    for client_ in (who.creator, who.member):
        assert_error(
            lambda c=client_: c.get_collaboration(collaborationIdentifier=collab["id"]), "AccessDeniedException", 403
        )
    assert_error(
        lambda: who.creator.list_members(collaborationIdentifier=collab["id"]),
        "ResourceNotFoundException",
        404,
        resourceType="COLLABORATION",
        resourceId=collab["id"],
    )
    assert_error(
        lambda: who.outsider.delete_collaboration(collaborationIdentifier=MISSING_ID), "AccessDeniedException", 403
    )


# --- ListCollaborations -----------------------------------------------------------------------------------


def test_list_collaborations_shows_created_and_invited_with_the_callers_status(who: Actors) -> None:
    creator, invitee = who.as_account(fresh_account()), fresh_account()
    guest = who.as_account(invitee)
    mine = create_collaboration(creator, [invitee])
    other = create_collaboration(creator, [invitee])
    create_collaboration(creator, [])
    join(guest, mine["id"])
    summaries = guest.list_collaborations()["collaborationList"]
    assert [s["id"] for s in summaries] == [mine["id"], other["id"]]
    assert [s["memberStatus"] for s in summaries] == ["ACTIVE", "INVITED"]
    assert "membershipId" in summaries[0]
    assert "membershipId" not in summaries[1]
    active = guest.list_collaborations(memberStatus="ACTIVE")["collaborationList"]
    invited = guest.list_collaborations(memberStatus="INVITED")["collaborationList"]
    assert [s["id"] for s in active] == [mine["id"]]
    assert [s["id"] for s in invited] == [other["id"]]
    assert len(creator.list_collaborations()["collaborationList"]) == 3


def test_list_collaborations_pages_with_tokens(who: Actors) -> None:
    creator = who.as_account(fresh_account())
    made = [create_collaboration(creator, [])["id"] for _ in range(5)]
    seen: list[str] = []
    token: str | None = None
    pages = 0
    while True:
        kwargs = {"maxResults": 2} | ({"nextToken": token} if token else {})
        page = creator.list_collaborations(**kwargs)
        seen += [s["id"] for s in page["collaborationList"]]
        pages += 1
        token = page.get("nextToken")
        if token is None:
            break
    assert seen == made
    assert pages == 3
    paginated = creator.get_paginator("list_collaborations").paginate(PaginationConfig={"PageSize": 1})
    assert [s["id"] for page in paginated for s in page["collaborationList"]] == made


def test_a_token_for_another_filter_is_refused(who: Actors) -> None:
    creator = who.as_account(fresh_account())
    for _ in range(3):
        create_collaboration(creator, [])
    token = creator.list_collaborations(maxResults=1)["nextToken"]
    response = assert_error(
        lambda: creator.list_collaborations(maxResults=1, nextToken=token, memberStatus="INVITED"),
        "ValidationException",
        400,
        reason="FIELD_VALIDATION_FAILED",
    )
    assert response["fieldList"][0]["name"] == "nextToken"
    assert_error(lambda: who.creator.list_collaborations(nextToken=token), "ValidationException", 400)  # other account
    assert_error(lambda: creator.list_memberships(nextToken=token), "ValidationException", 400)  # other list
    assert_error(lambda: creator.list_collaborations(nextToken="garbage"), "ValidationException", 400)


# --- ListMembers / DeleteMember ---------------------------------------------------------------------------


def test_list_members_pages_through_every_row(who: Actors) -> None:
    invitees = [fresh_account() for _ in range(4)]
    collab = create_collaboration(who.creator, invitees)
    first = who.creator.list_members(collaborationIdentifier=collab["id"], maxResults=3)
    second = who.creator.list_members(collaborationIdentifier=collab["id"], maxResults=3, nextToken=first["nextToken"])
    accounts = [row["accountId"] for row in first["memberSummaries"] + second["memberSummaries"]]
    assert accounts == [CREATOR, *invitees]
    assert "nextToken" not in second


def test_list_members_standing(who: Actors) -> None:
    collab = create_collaboration(who.creator, [MEMBER])
    assert len(who.member.list_members(collaborationIdentifier=collab["id"])["memberSummaries"]) == 2  # INVITED reads
    assert_error(lambda: who.outsider.list_members(collaborationIdentifier=collab["id"]), "AccessDeniedException", 403)
    assert_error(
        lambda: who.creator.list_members(collaborationIdentifier=MISSING_ID),
        "ResourceNotFoundException",
        404,
        resourceType="COLLABORATION",
        resourceId=MISSING_ID,
    )


def test_delete_member_removes_member_and_membership(who: Actors) -> None:
    collab = create_collaboration(who.creator, [MEMBER])
    membership = join(who.member, collab["id"])
    done = who.creator.delete_member(collaborationIdentifier=collab["id"], accountId=MEMBER)
    assert done["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert members_by_account(who.creator, collab["id"])[MEMBER]["status"] == "REMOVED"
    assert who.member.get_membership(membershipIdentifier=membership["id"])["membership"]["status"] == "REMOVED"
    again = who.creator.delete_member(collaborationIdentifier=collab["id"], accountId=MEMBER)  # idempotent
    assert again["ResponseMetadata"]["HTTPStatusCode"] == 204
    # A removed member has no standing any more and cannot re-join (§7).
    assert_error(
        lambda: who.member.get_collaboration(collaborationIdentifier=collab["id"]), "AccessDeniedException", 403
    )
    assert_error(lambda: join(who.member, collab["id"]), "AccessDeniedException", 403)


def test_delete_member_refusals(who: Actors) -> None:
    collab = create_collaboration(who.creator, [MEMBER])
    join(who.member, collab["id"])
    assert_error(
        lambda: who.member.delete_member(collaborationIdentifier=collab["id"], accountId=MEMBER),
        "AccessDeniedException",
        403,
    )
    assert_error(
        lambda: who.outsider.delete_member(collaborationIdentifier=collab["id"], accountId=MEMBER),
        "AccessDeniedException",
        403,
    )
    assert_error(
        lambda: who.creator.delete_member(collaborationIdentifier=collab["id"], accountId=CREATOR),
        "ValidationException",
        400,
        reason="INVALID_CONFIGURATION",
    )
    assert_error(
        lambda: who.creator.delete_member(collaborationIdentifier=collab["id"], accountId=OUTSIDER),
        "ResourceNotFoundException",
        404,
        resourceType="COLLABORATION",
        resourceId=OUTSIDER,
    )
    assert_error(
        lambda: who.creator.delete_member(collaborationIdentifier=MISSING_ID, accountId=MEMBER),
        "ResourceNotFoundException",
        404,
    )
    assert_error(
        lambda: who.raw.delete_member(collaborationIdentifier=collab["id"], accountId="1234567890ab"),
        "ValidationException",
        400,
    )
    assert members_by_account(who.creator, collab["id"])[MEMBER]["status"] == "ACTIVE"


# --- CreateMembership / GetMembership / ListMemberships ---------------------------------------------------


def test_create_membership_joins_an_invited_account(who: Actors) -> None:
    collab = create_collaboration(who.creator, [MEMBER])
    membership = join(who.member, collab["id"])
    assert membership["status"] == "ACTIVE"
    assert membership["arn"] == f"arn:aws:cleanrooms:us-east-1:{MEMBER}:membership/{membership['id']}"
    assert membership["collaborationId"] == collab["id"]
    assert membership["collaborationCreatorAccountId"] == CREATOR
    assert membership["memberAbilities"] == []
    row = members_by_account(who.creator, collab["id"])[MEMBER]
    assert row["status"] == "ACTIVE"
    assert row["membershipId"] == membership["id"]


def test_the_creator_joins_with_its_own_abilities(who: Actors) -> None:
    collab = create_collaboration(who.creator, [])
    membership = join(who.creator, collab["id"])
    assert membership["memberAbilities"] == ["CAN_QUERY", "CAN_RECEIVE_RESULTS"]
    assert membership["paymentConfiguration"] == {"queryCompute": {"isResponsible": True}}
    seen = who.creator.get_collaboration(collaborationIdentifier=collab["id"])["collaboration"]
    assert seen["memberStatus"] == "ACTIVE"
    assert seen["membershipId"] == membership["id"]


def test_create_membership_keeps_its_settings(who: Actors) -> None:
    collab = create_collaboration(who.creator, [MEMBER])
    result = {
        "outputConfiguration": {"s3": {"resultFormat": "CSV", "bucket": "results-bucket", "keyPrefix": "p/"}},
        "roleArn": "arn:aws:iam::222222222222:role/cleanrooms-results",
    }
    membership = who.member.create_membership(
        collaborationIdentifier=collab["id"],
        queryLogStatus="ENABLED",
        jobLogStatus="DISABLED",
        defaultResultConfiguration=result,
        paymentConfiguration={"queryCompute": {"isResponsible": False}},
        isMetricsEnabled=False,
        tags={"team": "x"},
    )["membership"]
    assert membership["queryLogStatus"] == "ENABLED"
    assert membership["jobLogStatus"] == "DISABLED"
    assert membership["defaultResultConfiguration"] == result
    assert membership["isMetricsEnabled"] is False


def test_create_membership_refusals(who: Actors) -> None:
    collab = create_collaboration(who.creator, [MEMBER])
    membership = join(who.member, collab["id"])
    assert_error(
        lambda: join(who.member, collab["id"]),
        "ConflictException",
        409,
        reason="ALREADY_EXISTS",
        resourceType="MEMBERSHIP",
        resourceId=membership["id"],
    )
    assert_error(lambda: join(who.outsider, collab["id"]), "AccessDeniedException", 403)
    assert_error(
        lambda: join(who.member, MISSING_ID),
        "ResourceNotFoundException",
        404,
        resourceType="COLLABORATION",
        resourceId=MISSING_ID,
    )


def test_get_membership_is_for_its_owner(who: Actors) -> None:
    collab = create_collaboration(who.creator, [MEMBER])
    membership = join(who.member, collab["id"])
    got = who.member.get_membership(membershipIdentifier=membership["id"])["membership"]
    assert got == membership
    assert_error(
        lambda: who.creator.get_membership(membershipIdentifier=membership["id"]), "AccessDeniedException", 403
    )
    assert_error(
        lambda: who.member.get_membership(membershipIdentifier=MISSING_ID),
        "ResourceNotFoundException",
        404,
        resourceType="MEMBERSHIP",
        resourceId=MISSING_ID,
    )


def test_list_memberships_filters_by_status_and_pages(who: Actors) -> None:
    account = fresh_account()
    joiner = who.as_account(account)
    collabs = [create_collaboration(who.creator, [account])["id"] for _ in range(3)]
    memberships = [join(joiner, c)["id"] for c in collabs]
    who.creator.delete_collaboration(collaborationIdentifier=collabs[1])
    who.creator.delete_member(collaborationIdentifier=collabs[2], accountId=account)
    everything = joiner.list_memberships()["membershipSummaries"]
    assert [m["id"] for m in everything] == memberships
    assert [m["status"] for m in everything] == ["ACTIVE", "COLLABORATION_DELETED", "REMOVED"]
    for status, index in (("ACTIVE", 0), ("COLLABORATION_DELETED", 1), ("REMOVED", 2)):
        assert [m["id"] for m in joiner.list_memberships(status=status)["membershipSummaries"]] == [memberships[index]]
    first = joiner.list_memberships(maxResults=2)
    assert len(first["membershipSummaries"]) == 2
    rest = joiner.list_memberships(maxResults=2, nextToken=first["nextToken"])
    assert [m["id"] for m in rest["membershipSummaries"]] == [memberships[2]]
    assert "nextToken" not in rest
    assert who.as_account(fresh_account()).list_memberships()["membershipSummaries"] == []
