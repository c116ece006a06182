"""The family registry names only what the service model has, and derives its tables consistently."""

from __future__ import annotations

import pytest

from conformance.model import families
from conformance.model.families import FAMILIES, OPERATIONS, RESOURCES, TRACKED, Family, Resource
from conformance.model.service import operation, operation_names, paging, service_model


def test_every_judged_operation_is_a_model_operation_in_exactly_one_family() -> None:
    assert set(OPERATIONS) <= set(operation_names())
    assert len(OPERATIONS) == len(set(OPERATIONS))
    for family in FAMILIES:
        for name in family.operations:
            assert families.family_of(name) is family
    assert families.family_of("ListConfiguredTables") is None


def test_the_judged_operations_carry_a_family_noun() -> None:
    for family in FAMILIES:
        for name in family.operations:
            assert any(noun in name for noun in family.nouns), (family.name, name)
        assert set(family.round_trips) <= set(family.operations)


@pytest.mark.parametrize("resource", RESOURCES, ids=lambda r: r.kind)
def test_a_resource_names_model_operations_and_members(resource: Resource) -> None:
    get = operation(resource.get)
    assert get.input_shape is not None
    assert resource.id_param in get.input_shape.members
    assert get.output_shape is not None
    assert resource.key in get.output_shape.members
    found = paging(resource.lister)
    assert found is not None
    assert found.result_key == resource.list_key
    lister = operation(resource.lister).input_shape
    if resource.nested:
        assert resource.parent is not None
        assert not resource.tracked
        assert lister is not None
        assert resource.parent in lister.required_members
        assert resource.parent in get.input_shape.required_members
    if resource.create is not None:
        created = operation(resource.create).output_shape
        assert created is not None
        assert resource.key in created.members
        given = operation(resource.create).input_shape
        assert given is not None
        assert (resource.parent in given.required_members) if resource.parent else not resource.nested
    if resource.delete is not None:
        deleted = operation(resource.delete).input_shape
        assert deleted is not None
        assert list(deleted.required_members) == [resource.id_param]
    held = get.output_shape.members[resource.key].members
    for _, echoed in resource.renamed:
        assert echoed in held
    if resource.summary is not None:
        summary = service_model().shape_for(resource.summary).members
        assert {"id", "arn"} <= set(summary)
        if resource.owner_member is not None:
            assert resource.owner_member in summary
        if resource.ended:
            assert resource.ended <= set(summary["status"].enum)


def test_tracked_resources_are_those_the_suite_can_create_and_delete() -> None:
    assert [r.kind for r in TRACKED] == ["collaboration", "membership"]
    assert families.tracked_kind("membership") is families.MEMBERSHIPS.resource
    with pytest.raises(KeyError):
        families.tracked_kind("change request")  # no DeleteCollaborationChangeRequest: never tracked
    assert families.created_by("CreateMembership") is families.MEMBERSHIPS.resource
    assert families.created_by("GetMembership") is None
    assert families.resource_named_by("changeRequestIdentifier") is families.CHANGE_REQUESTS.resource


def test_derived_tables() -> None:
    assert {
        "CreateCollaboration",
        "UpdateCollaboration",
        "CreateMembership",
        "CreateCollaborationChangeRequest",
        "UpdateCollaborationChangeRequest",
    } == families.ROUND_TRIPS
    assert families.RENAMED == {
        "autoApprovedChangeRequestTypes": "autoApprovedChangeTypes",
        "collaborationIdentifier": "collaborationId",
    }
    assert families.family_named("members") is families.MEMBERS
    with pytest.raises(KeyError, match="known: collaborations"):
        families.family_named("tables")


def test_a_family_is_a_frozen_value() -> None:
    family = Family("x", ("X",), ("GetX",))
    with pytest.raises(AttributeError):
        family.name = "y"  # type: ignore[misc]


def test_a_resource_is_addressed_by_its_id_and_a_nested_one_through_its_parent() -> None:
    assert families.COLLABORATION.address("c-1") == {"collaborationIdentifier": "c-1"}
    assert families.MEMBERSHIP.address("m-1", "c-1") == {"membershipIdentifier": "m-1"}
    assert families.CHANGE_REQUEST.address("r-1", "c-1") == {
        "collaborationIdentifier": "c-1",
        "changeRequestIdentifier": "r-1",
    }


def test_only_reads() -> None:
    assert families.only_reads("GetCollaboration")
    assert families.only_reads("BatchGetSchema")
    assert families.only_reads("PreviewPrivacyImpact")
    assert not families.only_reads("CreateCollaboration")
    assert not families.only_reads("StartProtectedQuery")
