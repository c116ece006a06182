"""The report's operation families come from the registry: every judged operation in its own family, in order."""

from __future__ import annotations

from conformance.model import families as registry
from conformance.model.service import operation_names
from conformance.report.families import FAMILIES, OTHER, family_order, operation_family


def test_every_judged_operation_is_grouped_under_its_registry_family() -> None:
    for family in registry.FAMILIES:
        for name in family.operations:
            assert operation_family(name) == family.name


def test_the_families_nouns_decide_not_a_substring() -> None:
    assert operation_family("UpdateMembership") == "memberships"  # a family noun, not judged yet
    assert operation_family("ListCollaborationPrivacyBudgets") == OTHER
    assert operation_family("ListConfiguredTables") == OTHER
    grouped = [op for op in operation_names() if operation_family(op) != OTHER]
    assert set(registry.OPERATIONS) <= set(grouped)
    assert set(grouped) - set(registry.OPERATIONS) == {"UpdateMembership", "DeleteMembership"}


def test_families_sort_in_registry_order_then_other() -> None:
    assert FAMILIES == ("collaborations", "members", "memberships", "change requests")
    assert sorted([OTHER, "change requests", "collaborations"], key=family_order) == [
        "collaborations",
        "change requests",
        OTHER,
    ]
