from __future__ import annotations

from conformance.model.account_lists import ACCOUNT_WIDE, concerns, item_ids, listed_item

OURS, THEIRS = "11111111-1111-4111-8111-111111111111", "22222222-2222-4222-8222-222222222222"
ANSWER = {"collaborationList": [{"id": OURS, "name": "a"}, {"id": THEIRS, "name": ""}, {"name": "no id"}]}


def test_only_the_account_wide_lists_are_shared() -> None:
    assert {"ListCollaborations", "ListMemberships"} == ACCOUNT_WIDE
    assert listed_item("ListMembers", "memberSummaries[0].displayName", {"memberSummaries": [{}]}) is None


def test_an_item_names_its_own_its_collaborations_and_its_memberships_ids() -> None:
    item = {"id": "i", "collaborationId": "c", "membershipId": "m", "arn": "a"}
    assert item_ids(item) == {"i", "c", "m"}
    assert item_ids("not a mapping") == set()


def test_a_finding_concerns_the_caller_for_its_items_the_answer_as_a_whole_and_items_without_ids() -> None:
    known = {OURS}
    assert concerns("ListCollaborations", "collaborationList[0].name", ANSWER, known)
    assert not concerns("ListCollaborations", "collaborationList[1].name", ANSWER, known)
    assert concerns("ListCollaborations", "collaborationList[2].name", ANSWER, known)  # no id: nobody's excuse
    assert concerns("ListCollaborations", "nextToken", ANSWER, known)
    assert concerns("ListCollaborations", "collaborationList[9].name", ANSWER, known)  # out of range: kept
    assert concerns("GetCollaboration", "collaboration.name", {"collaboration": {}}, set())
