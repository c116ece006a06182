"""Black-box: the evidence threshold and the expectations file decide what fails the run."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.plugin.conftest import CREATE_AND_GET, outcomes

# The creator's memberStatus right after CreateCollaboration is INVITED (a best reading, §7); asserting ACTIVE
# with inferred evidence makes a failure that rests on inference only.
INFERRED_FAILURE = CREATE_AND_GET.replace(
    'expect: {collaboration: {id: "{{ collab }}"}}',
    "expect: {collaboration: {memberStatus: ACTIVE}}\n    evidence: {level: inferred, source: A16}",
)
MODEL_FAILURE = CREATE_AND_GET.replace(
    'expect: {collaboration: {id: "{{ collab }}"}}', "expect: {collaboration: {queryLogStatus: ENABLED}}"
)


def _expectations(path: Path, *entries: str) -> Path:
    path.write_text("version: 1\nimplementation: test\nentries:\n" + "".join(f"  - {e}\n" for e in entries))
    return path


def test_failures_below_the_evidence_threshold_do_not_gate(
    pytester: pytest.Pytester, scenario_dir: Callable[..., Path]
) -> None:
    folder = scenario_dir(inferred=INFERRED_FAILURE, model=MODEL_FAILURE)
    strict = pytester.runpytest(str(folder), "--target=reference")
    strict.assert_outcomes(failed=2)
    lenient = pytester.runpytest(str(folder), "--target=reference", "--evidence=documented", "-rx")
    lenient.assert_outcomes(failed=1, xfailed=1)
    lenient.stdout.fnmatch_lines(["*inferred*below --evidence=documented (not gating)*"])
    assert lenient.ret == pytest.ExitCode.TESTS_FAILED  # the model-level failure still gates


@pytest.mark.parametrize(
    ("entry", "scenario", "expected", "exit_code"),
    [
        ("{id: model, outcome: FAIL, reason: known}", MODEL_FAILURE, "XFAIL", 0),
        ("{id: model, outcome: FAIL, reason: stale}", CREATE_AND_GET, "XPASS", 1),
        ("{id: model, outcome: FAIL, reason: old, expires: 2020-01-01}", MODEL_FAILURE, "FAIL", 1),
        ("{id: model, outcome: ERROR, reason: wrong kind}", MODEL_FAILURE, "FAIL", 1),
        # a real id (a fuzz item) this run did not select: unused, so the scenario's failure is not excused
        ("{id: fuzz:negative, outcome: FAIL, reason: unrelated}", MODEL_FAILURE, "FAIL", 1),
    ],
    ids=["xfail", "xpass-stale", "expired", "outcome-mismatch", "unlisted"],
)
def test_expectations_outcomes_and_exit_codes(
    pytester: pytest.Pytester,
    scenario_dir: Callable[..., Path],
    entry: str,
    scenario: str,
    expected: str,
    exit_code: int,
) -> None:
    folder = scenario_dir(model=scenario)
    expectations = _expectations(pytester.path / "e.yaml", entry)
    reports = pytester.path / "r"
    result = pytester.runpytest(
        str(folder), "--target=reference", f"--expectations={expectations}", f"--report-dir={reports}"
    )
    assert result.ret == exit_code, result.stdout.str()
    assert outcomes(reports) == {"model": expected}


def test_an_entry_that_expires_today_still_excuses(
    pytester: pytest.Pytester, scenario_dir: Callable[..., Path]
) -> None:
    folder = scenario_dir(model=MODEL_FAILURE)
    today = dt.date.today().isoformat()
    expectations = _expectations(pytester.path / "e.yaml", f"{{id: model, outcome: FAIL, reason: r, expires: {today}}}")
    result = pytester.runpytest(str(folder), "--target=reference", f"--expectations={expectations}")
    result.assert_outcomes(xfailed=1)


def test_a_broken_expectations_file_is_a_usage_error_with_its_line(pytester: pytest.Pytester) -> None:
    bad = pytester.path / "e.yaml"
    bad.write_text("version: 1\nentries:\n  - {id: x, outcome: MAYBE, reason: r}\n")
    result = pytester.runpytest("--target=reference", f"--expectations={bad}")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "e.yaml:3" in result.stderr.str()
