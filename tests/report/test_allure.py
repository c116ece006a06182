from __future__ import annotations

from types import SimpleNamespace

import pytest

from conformance.report.allure import allure_labels
from conformance.report.families import operation_family


@pytest.mark.parametrize(
    ("operation", "family"),
    [
        ("CreateCollaboration", "collaborations"),
        ("ListCollaborations", "collaborations"),
        ("ListMembers", "members"),
        ("DeleteMember", "members"),
        ("CreateMembership", "memberships"),
        ("ListMemberships", "memberships"),
        ("UpdateCollaborationChangeRequest", "change requests"),
        ("ListCollaborationChangeRequests", "change requests"),
        ("ListCollaborationPrivacyBudgets", "other"),
        ("GetSchema", "other"),
    ],
)
def test_operation_family(operation: str, family: str) -> None:
    assert operation_family(operation) == family


def test_labels_of_a_change_request_workflow(build: SimpleNamespace) -> None:
    scenario = build.scenario(
        "auto-add", title="auto-approved ADD_MEMBER takes effect at once", evidence_level="inferred"
    )
    operations = ["CreateCollaboration", "CreateCollaborationChangeRequest", "ListMembers", "CreateCollaboration"]

    labels = allure_labels(scenario, operations)

    assert labels == [
        ("epic", "change requests"),
        ("feature", "CreateCollaboration"),
        ("feature", "CreateCollaborationChangeRequest"),
        ("feature", "ListMembers"),
        ("story", "auto-approved ADD_MEMBER takes effect at once"),
        ("tag", "inferred"),
        ("tag", "change-requests"),
    ]


def test_labels_without_known_operations(build: SimpleNamespace) -> None:
    labels = dict(allure_labels(build.scenario("x", title=""), ["GetSchema"]))

    assert labels["epic"] == "other"
    assert labels["story"] == "x"
