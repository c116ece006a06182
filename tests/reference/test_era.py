"""The era of an emulator of an older API, from the release table: what it serves, drops and refuses."""

from __future__ import annotations

from datetime import date
from typing import Any

from conformance.model.releases import APPROVALS, CHANGE_REQUESTS, FIRST_MODEL, LATEST
from conformance.model.violations import ViolationKind
from conformance.reference.era import Era
from conformance.reference.handlers import HANDLERS

CHANGE_REQUEST_OPERATIONS = {
    "CreateCollaborationChangeRequest",
    "GetCollaborationChangeRequest",
    "ListCollaborationChangeRequests",
}


def test_the_latest_era_takes_nothing_away() -> None:
    for at in (None, LATEST):
        era = Era(at, HANDLERS)
        assert era.operations == set(HANDLERS)
        assert era.voting
        assert "EDIT_AUTO_APPROVED_CHANGE_TYPES" in era.change_types
    assert not Era(None, HANDLERS).active
    params: dict[str, Any] = {"isMetricsEnabled": True}
    assert Era(None, HANDLERS).adapt_input("CreateCollaboration", params) == []
    assert params == {"isMetricsEnabled": True}


def test_operations_and_change_types_by_release() -> None:
    first, requests, approvals = Era(FIRST_MODEL, HANDLERS), Era(CHANGE_REQUESTS, HANDLERS), Era(APPROVALS, HANDLERS)
    assert set(HANDLERS) - first.operations == CHANGE_REQUEST_OPERATIONS | {"UpdateCollaborationChangeRequest"}
    assert set(HANDLERS) - requests.operations == {"UpdateCollaborationChangeRequest"}
    assert approvals.operations == set(HANDLERS)
    assert (first.voting, requests.voting, approvals.voting) == (False, False, True)
    assert requests.change_types == {"ADD_MEMBER"}
    assert approvals.change_types == {
        "ADD_MEMBER",
        "GRANT_RECEIVE_RESULTS_ABILITY",
        "REVOKE_RECEIVE_RESULTS_ABILITY",
        "EDIT_AUTO_APPROVED_CHANGE_TYPES",
    }


def test_input_drops_later_members_and_lists_what_the_era_refuses() -> None:
    era = Era(CHANGE_REQUESTS, HANDLERS)
    params: dict[str, Any] = {
        "name": "n",
        "members": [{"accountId": str(500000000000 + n), "memberAbilities": [], "displayName": "m"} for n in range(10)],
        "creatorMemberAbilities": ["CAN_QUERY", "CAN_EXPORT_QUERY_ANALYSIS_LOG"],
        "autoApprovedChangeRequestTypes": ["ADD_MEMBER"],
        "isMetricsEnabled": True,
        "allowedResultRegions": ["us-east-1"],
    }
    found = era.adapt_input("CreateCollaboration", params)
    assert {(v.path, v.kind) for v in found} == {
        ("description", ViolationKind.MISSING_REQUIRED),
        ("members", ViolationKind.ITEM_COUNT),
        ("creatorMemberAbilities[1]", ViolationKind.ENUM),
    }
    assert "isMetricsEnabled" not in params
    assert "allowedResultRegions" not in params
    assert params["autoApprovedChangeRequestTypes"] == ["ADD_MEMBER"]  # it existed on 2025-09-03


def test_a_later_union_member_is_refused_and_a_later_structure_member_dropped() -> None:
    era = Era(CHANGE_REQUESTS, HANDLERS)
    member = {"accountId": "444444444444", "memberAbilities": [], "paymentConfiguration": {}}
    params: dict[str, Any] = {
        "collaborationIdentifier": "x",
        "changes": [
            {"specificationType": "MEMBER", "specification": {"member": member}},
            {"specificationType": "COLLABORATION", "specification": {"collaboration": {}}},
        ],
    }
    found = era.adapt_input("CreateCollaborationChangeRequest", params)
    assert {(v.path, v.kind) for v in found} == {
        ("changes[1].specificationType", ViolationKind.ENUM),
        ("changes[1].specification.collaboration", ViolationKind.UNKNOWN_MEMBER),
    }
    assert "paymentConfiguration" not in member
    assert params["changes"][1]["specification"] == {"collaboration": {}}  # left for the 400, not dropped


def test_output_members_added_later_are_not_sent() -> None:
    body: dict[str, Any] = {
        "collaborationChangeRequest": {
            "id": "r",
            "status": "PENDING",
            "approvals": {"222222222222": {"status": "PENDING"}},
            "changes": [
                {
                    "specificationType": "MEMBER",
                    "specification": {"member": {"accountId": "444444444444", "paymentConfiguration": {}}},
                    "types": ["ADD_MEMBER"],
                }
            ],
        }
    }
    Era(CHANGE_REQUESTS, HANDLERS).adapt_output("GetCollaborationChangeRequest", body)
    request = body["collaborationChangeRequest"]
    assert "approvals" not in request
    assert request["changes"][0]["specification"]["member"] == {"accountId": "444444444444"}
    collaboration: dict[str, Any] = {
        "collaboration": {"id": "c", "autoApprovedChangeTypes": [], "isMetricsEnabled": True}
    }
    Era(FIRST_MODEL, HANDLERS).adapt_output("GetCollaboration", collaboration)
    assert collaboration == {"collaboration": {"id": "c"}}
    Era(date(2026, 1, 2), HANDLERS).adapt_output(
        "GetCollaboration", kept := {"collaboration": {"isMetricsEnabled": True}}
    )
    assert kept == {"collaboration": {"isMetricsEnabled": True}}


def test_values_of_the_wrong_type_are_left_to_input_validation() -> None:
    """Lists, objects and numbers where an enum, a structure or a list belongs: no crash, nothing reported."""
    era = Era(CHANGE_REQUESTS, HANDLERS)
    params: dict[str, Any] = {
        "creatorMemberAbilities": [["CAN_QUERY"], {"a": 1}, 7, None],
        "members": "everyone",
        "autoApprovedChangeRequestTypes": {"ADD_MEMBER": True},
    }
    found = era.adapt_input("CreateCollaboration", params)
    assert [(v.path, v.kind) for v in found] == [("description", ViolationKind.MISSING_REQUIRED)]
    changes: dict[str, Any] = {"changes": [{"specification": []}, "MEMBER", {"specificationType": ["MEMBER"]}]}
    assert era.adapt_input("CreateCollaborationChangeRequest", changes) == []
