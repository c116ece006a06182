from __future__ import annotations

import pytest

from conformance.fuzz.refs import placeholders
from conformance.fuzz.seeds import CORE_OPERATIONS, OPAQUE_MEMBERS, seed_for
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
    assert len(CORE_OPERATIONS) == 14
