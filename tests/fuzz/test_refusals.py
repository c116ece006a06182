"""Planned refusals: a valid input must succeed unless the spec or the caller's standing says why not."""

from __future__ import annotations

from conformance.fuzz import refusals
from conformance.fuzz.refusals import planned_refusal
from conformance.model import families


def test_the_standing_callers_baselines_must_succeed() -> None:
    from conformance.fuzz.seeds import CORE_OPERATIONS, seed_for

    for name in CORE_OPERATIONS:
        seed = seed_for(name)
        for baseline in seed.baselines:
            assert planned_refusal(name, seed.actor, baseline.params) is None, (name, baseline.name)


def test_refusals_the_spec_or_standing_explains_are_planned() -> None:
    from conformance.fuzz.judge import STANDING_CODES
    from conformance.fuzz.seeds import COLLAB, REQUEST, account

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
    planned = planned_refusal("GetSchema", "creator", {})
    assert planned is not None
    assert planned.codes == frozenset()


def test_the_spec_rules_are_keyed_by_the_families_operations() -> None:
    assert set(refusals._RULES) <= set(families.OPERATIONS)


def test_an_unknown_resource_inside_its_parent_is_a_404_and_the_reason_names_both() -> None:
    from conformance.fuzz.seeds import COLLAB

    planned = planned_refusal(
        "GetCollaborationChangeRequest", "creator", {"collaborationIdentifier": COLLAB, "changeRequestIdentifier": "x"}
    )
    assert planned is not None
    assert planned.reason == "changeRequestIdentifier names no change request of the collaboration (A16: 404)"
