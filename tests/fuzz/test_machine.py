from __future__ import annotations

from conformance.fuzz.machine import run_machine
from conformance.fuzz.profiles import budget, hypothesis_settings
from conformance.targets import RunningTarget
from tests.fuzz.conftest import campaign


def test_the_reference_follows_the_spec_model(healthy: RunningTarget) -> None:
    quick = budget("quick")
    tally = run_machine(campaign(healthy), hypothesis_settings(quick, examples=quick.machine_examples), seed=7)
    assert tally.outcome == "PASS", tally
    assert tally.variants >= quick.machine_examples
    assert tally.check_id == "fuzz:stateful:change-requests"


def test_a_target_without_change_requests_is_unsupported(healthy: RunningTarget) -> None:
    fuzz = campaign(healthy, operations=["CreateCollaboration", "GetCollaboration"])
    tally = run_machine(fuzz, hypothesis_settings(budget("quick"), examples=2), None)
    assert tally.outcome == "UNSUPPORTED"
    assert "CreateCollaborationChangeRequest" in tally.note


def test_an_open_collaboration_change_may_or_may_not_block_a_second_one() -> None:
    """A10 names only a second request for the same member as a 409: for a COLLABORATION change both answers go."""
    from conformance.fuzz.machine_views import collaboration_busy, created_anyway
    from conformance.fuzz.specmodel import CONFLICT, ChangeSpec, SpecModel

    model = SpecModel.created("creator", ("member",), [], ["CAN_QUERY"])
    edit = [ChangeSpec("COLLABORATION", auto_types=("ADD_MEMBER",))]
    first, _ = model.create("creator", edit, "r0")
    assert first.succeeds
    assert collaboration_busy(model, edit)
    second, created = model.create("creator", edit, "r1")
    assert CONFLICT in second.refusals  # the suite's own reading, which the machine no longer insists on
    assert created is None
    accepted, created = created_anyway(model, "creator", edit, "r1")
    assert accepted.succeeds
    assert created is not None
    assert [r.name for r in model.requests] == ["r0", "r1"]
    assert all("collaboration" in r.targets for r in model.requests)  # the open requests' targets are restored
    # Every other rule still holds: the outsider may not submit, whatever the collaboration's state.
    refused, none = created_anyway(model, "outsider", edit, "r2")
    assert not refused.succeeds
    assert none is None
