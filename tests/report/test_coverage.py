from __future__ import annotations

import dataclasses
from types import SimpleNamespace

import pytest

from conformance.report.coverage import Coverage, CoverageItem, coverage
from conformance.report.results import Results

OPS = ("CreateCollaboration", "GetCollaboration", "ListMembers")


@pytest.fixture
def covered(build: SimpleNamespace) -> Coverage:
    params = {**build.create_params, "name": "n" * 101, "tags": {"team": "x"}}
    create = build.check("a", 0, params=params, body=build.created_collaboration())
    invalid_id = build.check(
        "a",
        1,
        operation="GetCollaboration",
        params={"collaborationIdentifier": "not-a-uuid"},
        status=400,
        headers={"X-Amzn-ErrorType": "ValidationException:http://internal"},
        body={"message": "bad", "reason": "FIELD_VALIDATION_FAILED"},
    )
    undeclared = build.check(
        "a",
        2,
        operation="GetCollaboration",
        status=404,
        body={"__type": "com.amazonaws#ResourceNotFoundException", "message": "gone"},
    )
    never_sent = dataclasses.replace(
        build.check("b", 0, operation="ListMembers"), request={"params": {"maxResults": 0}}, response=None
    )
    elsewhere = build.check("b", 1, operation="ListMemberships", params={"maxResults": 1})
    checks = (create, invalid_id, undeclared, never_sent, elsewhere)
    return coverage(Results(build.run_info(), (), checks), OPS)


def _item(items: tuple[CoverageItem, ...], group: str, name: str) -> CoverageItem:
    found = [i for i in items if (i.group, i.name) == (group, name)]
    assert len(found) == 1, f"{group}/{name}: {found}"
    return found[0]


def test_operations(covered: Coverage) -> None:
    assert [(i.name, i.exercised) for i in covered.operations.items] == [
        ("CreateCollaboration", True),
        ("GetCollaboration", True),
        ("ListMembers", False),  # its only request was never sent
    ]
    assert (covered.operations.exercised, covered.operations.total) == (2, 3)
    assert {i.group for i in covered.operations.items} == {"collaborations", "members"}


def test_error_shapes_are_declared_per_operation(covered: Coverage) -> None:
    errors = covered.errors

    assert errors.total == 5 + 4 + 5  # CreateCollaboration, GetCollaboration, ListMembers as the model declares
    assert _item(errors.items, "GetCollaboration", "ValidationException").exercised
    assert _item(errors.items, "GetCollaboration", "ValidationException").detail == "HTTP 400"
    assert errors.exercised == 1  # the 404 is not a declared error of GetCollaboration, so it covers nothing
    assert not [i for i in errors.items if i.name == "ResourceNotFoundException" and i.group == "GetCollaboration"]
    assert not _item(errors.items, "ListMembers", "ResourceNotFoundException").exercised


def test_enum_values_from_requests_responses_and_errors(covered: Coverage) -> None:
    enums = covered.enums.items

    assert _item(enums, "MemberAbility", "CAN_QUERY").exercised  # sent
    assert not _item(enums, "MemberAbility", "CAN_RUN_JOB").exercised
    assert len([i for i in enums if i.group == "MemberAbility"]) == 4
    assert _item(enums, "MemberStatus", "INVITED").exercised  # returned
    assert _item(enums, "ValidationExceptionReason", "FIELD_VALIDATION_FAILED").exercised  # in an error body
    assert "CreateCollaboration input: creatorMemberAbilities[]" in _item(enums, "MemberAbility", "CAN_QUERY").detail
    assert covered.enums.exercised == 6  # CAN_QUERY, CAN_RECEIVE_RESULTS, DISABLED, ADD_MEMBER, INVITED, reason


def test_constrained_members(covered: Coverage) -> None:
    constraints = covered.constraints.items

    name = _item(constraints, "CreateCollaboration", "name")
    assert (name.exercised, name.violated, name.detail) == (True, True, "len 1..100, pattern")
    display = _item(constraints, "CreateCollaboration", "creatorDisplayName")
    assert (display.exercised, display.violated) == (True, False)
    assert _item(constraints, "CreateCollaboration", "tags{key}").exercised
    assert _item(constraints, "CreateCollaboration", "tags").detail == "items 0..200"
    assert not _item(constraints, "CreateCollaboration", "description").exercised
    identifier = _item(constraints, "GetCollaboration", "collaborationIdentifier")
    assert (identifier.exercised, identifier.violated) == (True, True)
    max_results = _item(constraints, "ListMembers", "maxResults")
    assert (max_results.detail, max_results.exercised) == ("range 1..100", False)
    assert not [i for i in constraints if i.name == "members"]  # a list without bounds has no constraint


def test_sections_in_report_order(covered: Coverage) -> None:
    assert [s.title for s in covered.sections] == [
        "Operations",
        "Error shapes",
        "Enum values",
        "Constrained input members",
    ]
    assert all(s.exercised + len(s.missing) == s.total for s in covered.sections)


def test_empty_run_covers_nothing(build: SimpleNamespace) -> None:
    empty = coverage(Results(build.run_info(), (), ()), OPS)

    assert [s.exercised for s in empty.sections] == [0, 0, 0, 0]
    assert empty.operations.total == 3
