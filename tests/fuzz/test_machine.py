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
