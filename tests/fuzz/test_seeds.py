from __future__ import annotations

import pytest

from conformance.fuzz import seeds
from conformance.fuzz.refs import placeholders
from conformance.fuzz.seeds import CORE_OPERATIONS, OPAQUE_MEMBERS, seed_for
from conformance.model import families
from conformance.model.service import operation_names
from conformance.model.shapecheck import check_input


@pytest.mark.parametrize("name", operation_names())
def test_every_baseline_satisfies_the_model(name: str) -> None:
    seed = seed_for(name)
    for baseline in seed.baselines:
        assert check_input(name, placeholders(dict(baseline.params))) == [], (name, baseline.name)
        assert not set(baseline.params) & OPAQUE_MEMBERS


def test_core_seeds_are_hand_written_and_the_first_baseline_is_required_only() -> None:
    create = seed_for("CreateCollaboration")
    assert create.required.name == "required"
    assert create.full.name == "full"
    assert "description" not in create.required.params
    assert create.mutating
    assert not create.touches_fixture
    assert not seed_for("GetCollaboration").mutating
    assert seed_for("CreateMembership").actor == "member2"  # invited by the fixture, not yet joined
    # Every operation of the families has a hand-written seed, and nothing else has one.
    assert CORE_OPERATIONS == families.OPERATIONS
    assert set(seeds._CORE) == set(families.OPERATIONS)


def test_the_fixture_references_are_the_families_resources() -> None:
    assert set(seeds.ID_REFS) == {r.id_param for r in families.RESOURCES}
    assert seeds.ID_REFS["membershipIdentifier"] == seeds.MEMBERSHIP
    # A Create of a top-level resource leaves the fixture as it was; one inside it (joining) changes it.
    assert not seed_for("CreateCollaboration").touches_fixture
    assert seed_for("CreateMembership").touches_fixture
    assert seed_for("CreateCollaborationChangeRequest").touches_fixture
