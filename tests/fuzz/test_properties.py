from __future__ import annotations

from pathlib import Path

import pytest

from conformance.fuzz.profiles import budget, hypothesis_settings
from conformance.fuzz.properties import run_property
from conformance.scenario.outcomes import Outcome
from conformance.targets import RunningTarget
from tests.fuzz.conftest import campaign, replay

QUICK = budget("quick")


@pytest.mark.parametrize("name", ["random-valid", "random-invalid"])
def test_random_properties_hold_on_the_reference(name: str, healthy: RunningTarget) -> None:
    fuzz = campaign(healthy)
    settings = hypothesis_settings(QUICK, examples=QUICK.property_examples)
    for op in ("CreateCollaboration", "UpdateCollaborationChangeRequest", "ListMembers"):
        tally = run_property(fuzz, name, op, settings, None)
        assert tally.outcome == "PASS", tally
        assert tally.variants >= 1


def test_a_failing_example_is_shrunk_and_reproduced(broken, healthy: RunningTarget, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = broken("skip-range-check")
    fuzz = campaign(target, tmp_path)
    settings = hypothesis_settings(QUICK, examples=40)
    tally = run_property(fuzz, "random-invalid", "ListCollaborations", settings, seed=3, shrink_seconds=2)
    assert tally.outcome == "FAIL"
    (finding,) = tally.findings
    assert "range" in finding.label
    assert finding.reproducer is not None
    assert replay(Path(finding.reproducer), target).outcome is Outcome.FAIL
    assert replay(Path(finding.reproducer), healthy).outcome is Outcome.PASS


def test_the_same_seed_draws_the_same_examples(healthy: RunningTarget) -> None:
    seen: list[list[str]] = []
    for _ in range(2):
        fuzz = campaign(healthy)
        calls: list[str] = []
        original = fuzz.runner.run

        def record(variant, keep_plan=False, calls=calls, original=original):  # type: ignore[no-untyped-def]
            calls.append(repr(sorted(variant.params.items())))
            return original(variant, keep_plan=keep_plan)

        fuzz.runner.run = record  # type: ignore[method-assign]
        run_property(
            fuzz, "random-invalid", "CreateMembership", hypothesis_settings(budget("thorough"), examples=8), 42
        )
        seen.append(calls)
    assert seen[0] == seen[1]
