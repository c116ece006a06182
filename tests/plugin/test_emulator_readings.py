"""Black-box: ``--emulator-reading`` reaches the reference emulator, and a wrong one is a usage error."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.plugin.conftest import UUID, read_results

UNKNOWN_COLLABORATION = f"""
scenario: an unknown collaboration id is not found
since: 2023-01-12
evidence: {{level: model, source: MODEL}}
steps:
  - as: creator
    call: ListMembers
    with: {{collaborationIdentifier: "{UUID}"}}
    expect_error: {{code: ResourceNotFoundException, status: 404}}
"""


def test_the_reading_is_passed_to_the_emulator(pytester: pytest.Pytester, scenario_dir: Callable[..., Path]) -> None:
    folder = scenario_dir(unknown=UNKNOWN_COLLABORATION)
    pytester.runpytest(str(folder), "--target=reference").assert_outcomes(passed=1)
    switched = pytester.runpytest(str(folder), "--target=reference", "--emulator-reading=unknown_ids=access-denied")
    switched.assert_outcomes(failed=1)
    assert "AccessDeniedException" in switched.stdout.str()
    (scenario,) = read_results(pytester.path / "reports")["scenarios"]
    assert "--emulator-reading=unknown_ids=access-denied" in scenario["rerun"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--target=moto", "--emulator-reading=patterns=smithy"], "--emulator-reading applies only"),
        (["--target=reference", "--emulator-reading=patterns=loose"], "patterns is one of anchored, smithy"),
        (["--target=reference", "--emulator-reading=strictness=high"], "NAME one of patterns"),
    ],
)
def test_wrong_readings_are_usage_errors(pytester: pytest.Pytester, args: list[str], message: str) -> None:
    result = pytester.runpytest(*args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert message in result.stderr.str() + result.stdout.str()
