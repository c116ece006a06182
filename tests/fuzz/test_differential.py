from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from conformance.fuzz.differential import compare
from conformance.fuzz.systematic import generate
from conformance.report.normalise import PlaceholderMap, normalise_response
from conformance.scenario.outcomes import Outcome
from conformance.targets import RunningTarget
from tests.fuzz.conftest import campaign, replay


def normaliser(accounts: Mapping[str, str]) -> Any:
    placeholders = PlaceholderMap(accounts=accounts)
    return lambda body: normalise_response(body, placeholders=placeholders)


def test_two_healthy_emulators_answer_alike(healthy: RunningTarget, broken) -> None:  # type: ignore[no-untyped-def]
    other = broken()  # no defect: a second, independent reference emulator
    variants = generate("boundary", "CreateCollaboration").variants[:12]
    tally = compare(campaign(healthy), campaign(other), "CreateCollaboration", variants, normaliser)
    assert (tally.outcome, tally.variants, tally.passed) == ("PASS", 12, 12), tally


def test_differences_are_reported_with_a_reproducer(healthy: RunningTarget, broken, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    other = broken("skip-enum-check")
    variants = generate("negative", "ListMemberships").variants
    tally = compare(
        campaign(healthy, tmp_path),
        campaign(other),
        "ListMemberships",
        variants,
        normaliser,
        names=("reference", "broken"),
    )
    assert tally.outcome == "FAIL"
    assert tally.failed >= 1
    finding = tally.findings[0]
    assert "reference: HTTP 400 ValidationException; broken: HTTP 200" in str(finding.problems[0])
    assert finding.reproducer is not None
    assert replay(Path(finding.reproducer), healthy).outcome is Outcome.PASS
    assert replay(Path(finding.reproducer), other).outcome is Outcome.FAIL
