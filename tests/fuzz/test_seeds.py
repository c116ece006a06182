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


# --- planned refusals: a valid input must succeed unless the spec or the caller's standing says why not --------


def test_the_standing_callers_baselines_must_succeed() -> None:
    from conformance.fuzz.seeds import CORE_OPERATIONS, planned_refusal, seed_for

    for name in CORE_OPERATIONS:
        seed = seed_for(name)
        for baseline in seed.baselines:
            assert planned_refusal(name, seed.actor, baseline.params) is None, (name, baseline.name)


def test_refusals_the_spec_or_standing_explains_are_planned() -> None:
    from conformance.fuzz.judge import STANDING_CODES
    from conformance.fuzz.seeds import COLLAB, REQUEST, account, planned_refusal

    outsider = planned_refusal("GetCollaboration", "outsider", {"collaborationIdentifier": COLLAB})
    assert outsider is not None
    assert outsider.allows("AccessDeniedException")
    made_up = planned_refusal("ListMembers", "creator", {"collaborationIdentifier": "a" * 36})
    assert made_up is not None
    assert made_up.codes == STANDING_CODES
    unknown_request = {"collaborationIdentifier": COLLAB, "changeRequestIdentifier": "b" * 36}
    request = planned_refusal("GetCollaborationChangeRequest", "creator", unknown_request)
    assert request is not None
    assert request.codes == {"ResourceNotFoundException"}  # in a known collaboration: 404 only (A16)
    sql = planned_refusal("CreateCollaboration", "creator", {"analyticsEngine": "CLEAN_ROOMS_SQL"})
    assert sql is not None
    assert sql.codes == {"ValidationException"}
    vote = {"collaborationIdentifier": COLLAB, "changeRequestIdentifier": REQUEST, "action": "APPROVE"}
    assert planned_refusal("UpdateCollaborationChangeRequest", "creator", vote) is not None  # A1, A3
    assert planned_refusal("UpdateCollaborationChangeRequest", "member", vote) is None  # the fixture's voter
    new = {"accountId": account("outsider"), "memberAbilities": ["CAN_QUERY"]}
    change = {"specificationType": "MEMBER", "specification": {"member": new}}
    planned = planned_refusal("CreateCollaborationChangeRequest", "creator", {"changes": [change]})
    assert planned is not None
    assert "A12" in planned.reason
    assert "displayName" in planned.reason
    assert "A10" in planned.reason
    removal = planned_refusal("DeleteMember", "creator", {"accountId": account("creator")})
    assert removal is not None
    assert removal.codes == {"ValidationException"}


def test_operations_fuzzed_from_their_shape_alone_may_be_refused_anything() -> None:
    from conformance.fuzz.seeds import planned_refusal

    planned = planned_refusal("GetSchema", "creator", {})
    assert planned is not None
    assert planned.codes == frozenset()
