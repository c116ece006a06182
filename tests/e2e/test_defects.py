"""The scenario library catches a broken emulator: each named defect of the seam makes scenarios fail.

The library runs in-process through the same runner and verdict code the plugin uses, against one reference
emulator whose defects are switched between cases (the test seam), so every case costs one library run and no
server start. One case also goes through pytest and the ``--emulator-defect`` option, end to end.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from conformance.reference import DEFECTS
from conformance.scenario.failure_text import format_failure
from conformance.scenario.library import builtin_dir
from conformance.scenario.loader import load_scenarios
from conformance.scenario.outcomes import Outcome
from conformance.scenario.runner import ScenarioResult, run_scenario
from conformance.targets.running import RunningTarget, start_target
from conformance.targets.spec import parse_target


@pytest.fixture(scope="module")
def target() -> Iterator[RunningTarget]:
    with start_target(parse_target("reference"), run_id="cr-conf-defects") as running:
        yield running


def _run_library(target: RunningTarget, defects: frozenset[str]) -> list[ScenarioResult]:
    server = target.reference_server
    assert server is not None
    server.set_defects(defects)
    scenarios, errors = load_scenarios([builtin_dir()])
    assert not errors, errors
    try:
        return [run_scenario(s, target, run_id=target.run_id, accounts=dict(target.accounts)) for s in scenarios]
    finally:
        server.set_defects(frozenset())


def test_the_library_passes_on_a_healthy_emulator(target: RunningTarget) -> None:
    results = _run_library(target, frozenset())
    assert len(results) >= 60
    failing = {r.scenario.id: format_failure(r) for r in results if r.outcome != Outcome.PASS}
    assert not failing, "\n\n".join(failing.values())


@pytest.mark.parametrize("defect", sorted(DEFECTS))
def test_each_defect_makes_the_library_fail_naming_the_step(target: RunningTarget, defect: str) -> None:
    results = _run_library(target, frozenset({defect}))
    failing = [r for r in results if r.outcome != Outcome.PASS]
    assert failing, f"no scenario noticed the defect {defect!r}: {DEFECTS[defect]}"
    text = format_failure(failing[0])
    assert "steps[" in text, text
    assert ".yaml:" in text, text


def test_defect_through_the_pytest_option(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest(
        str(builtin_dir()), "--target=reference", "--emulator-defect=member-can-commit", "-q", "-m", "not fuzz"
    )
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["*member*COMMIT*"])
