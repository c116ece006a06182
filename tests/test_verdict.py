"""The verdict of an item (a scenario, a fuzz check's tallies) and the records a scenario result becomes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from conformance.fuzz.judge import Problem
from conformance.fuzz.results import Finding, Tally
from conformance.item_records import scenario_records
from conformance.model.exchange import CallResult
from conformance.report.expectations import Expectations, load_expectations
from conformance.report.records import CheckRecord, ScenarioRecord
from conformance.scenario.loader import load_scenario
from conformance.scenario.runner import run_scenario
from conformance.verdict import Part, Verdict, judge, judge_fuzz, judge_parts
from tests.scenario.fakes import ACCOUNTS, ScriptedCaller, error, raw_response

SCENARIO = """\
scenario: verdict test
since: 2023-01-12
evidence: {level: documented, source: UG-MANAGE}
steps:
  - as: creator
    call: ListMembers
    with: {collaborationIdentifier: 0f2d4f5e-1a2b-4c3d-8e9f-0a1b2c3d4e5f}
    expect_one_of:
      - expect_error: {code: AccessDeniedException, status: 403}
      - expect_error: {code: ResourceNotFoundException, status: 404}
    evidence: {level: inferred, source: A16}
  - as: creator
    call: GetCollaboration
    with: {collaborationIdentifier: 0f2d4f5e-1a2b-4c3d-8e9f-0a1b2c3d4e5f}
"""


def _records(tmp_path: Path, *answers: CallResult) -> tuple[ScenarioRecord, tuple[CheckRecord, ...]]:
    path = tmp_path / "verdict-test.yaml"
    path.write_text(SCENARIO)
    scenario = load_scenario(path)
    result = run_scenario(scenario, ScriptedCaller(list(answers)), run_id="r", accounts=ACCOUNTS)
    verdict = judge(scenario, result, evidence="inferred", expectations=None)
    records = scenario_records(scenario, result, verdict=verdict, target="t", rerun="", duration_ms=1)
    return records.scenario, records.checks


def test_the_scenario_record_carries_the_declared_level_on_every_target(tmp_path: Path) -> None:
    # A model-level wire failure (an error without its required members) and an UNSUPPORTED step: the scenario is
    # still a documented one; only the failures carry their own levels.
    no_members = error("ListMembers", "ResourceNotFoundException", 404, {"message": "gone"})
    unsupported = raw_response("GetCollaboration", 501, {}, b"", code="501")
    scenario, checks = _records(tmp_path, no_members, unsupported)
    assert scenario.outcome == "FAIL"
    assert scenario.evidence_level == "documented"
    assert {failure.evidence_level for failure in checks[0].failures} == {"model"}
    assert checks[0].alternative == 1
    assert checks[1].outcome == "UNSUPPORTED"
    assert checks[1].alternative is None


# --- fuzz items: the same Verdict, from their tallies -----------------------------------------------------------

ITEM = "fuzz:negative:CreateCollaboration"


def _tally(outcome: str, level: str = "model", operation: str = "CreateCollaboration") -> Tally:
    if outcome == "PASS":
        return Tally("negative", operation, "PASS", variants=3, passed=3)
    if outcome == "UNSUPPORTED":
        return Tally("negative", operation, "UNSUPPORTED", note="not implemented")
    problem = Problem("accepted-invalid", "took a too-long name", level=level, source="MODEL")  # type: ignore[arg-type]
    finding = Finding("too-long", (problem,), reproducer="reproducers/r.yaml")
    return Tally("negative", operation, "FAIL", variants=3, passed=2, failed=1, findings=(finding,))


def _expectations(tmp_path: Path, entry: str) -> Expectations:
    path = tmp_path / "expected.yaml"
    path.write_text(f"entries:\n  - id: {entry}\n    outcome: FAIL\n    reason: known\n", encoding="utf-8")
    return load_expectations(path)


def test_a_fuzz_item_that_passed_says_how_much_ran() -> None:
    judged = judge_fuzz(ITEM, [_tally("PASS")], evidence="inferred", expectations=None)
    assert judged.verdict == Verdict("PASS", False, False, "3 variants over 1 operation(s), 3 passed")
    assert judged.outcomes == ("PASS",)


def test_a_fuzz_failure_gates_at_its_level_and_is_shown_below_it() -> None:
    failing = [_tally("FAIL", level="inferred")]
    gating = judge_fuzz(ITEM, failing, evidence="inferred", expectations=None).verdict
    assert (gating.outcome, gating.failed) == ("FAIL", True)
    assert "reproducer: reproducers/r.yaml" in gating.message
    below = judge_fuzz(ITEM, failing, evidence="model", expectations=None)
    assert (below.verdict.outcome, below.verdict.failed, below.verdict.xfail) == ("XFAIL", False, True)
    assert below.outcomes == ("FAIL",)  # the record keeps what happened


def test_a_listed_fuzz_failure_is_xfail_and_goes_stale_when_fixed(tmp_path: Path) -> None:
    expectations = _expectations(tmp_path, ITEM)
    listed = judge_fuzz(ITEM, [_tally("FAIL")], evidence="inferred", expectations=expectations)
    assert (listed.verdict.outcome, listed.verdict.xfail, listed.outcomes) == ("XFAIL", True, ("XFAIL",))
    assert listed.verdict.expectation is not None
    assert listed.verdict.expectation.id == ITEM
    fixed = judge_fuzz(ITEM, [_tally("PASS")], evidence="inferred", expectations=expectations).verdict
    assert (fixed.outcome, fixed.failed) == ("XPASS", True)


def test_an_item_entry_covers_its_tallies_and_is_stale_when_none_fails(tmp_path: Path) -> None:
    expectations = _expectations(tmp_path, "fuzz:stateful")
    failing = judge_fuzz("fuzz:stateful", [_tally("FAIL")], evidence="inferred", expectations=expectations)
    assert (failing.verdict.outcome, failing.outcomes) == ("XFAIL", ("XFAIL",))
    stale = judge_fuzz("fuzz:stateful", [_tally("PASS")], evidence="inferred", expectations=expectations).verdict
    assert (stale.outcome, stale.failed) == ("XPASS", True)


def test_a_fuzz_item_with_nothing_to_run_on_is_skipped_and_an_error_fails() -> None:
    lacking = judge_fuzz(ITEM, [_tally("UNSUPPORTED")], evidence="inferred", expectations=None).verdict
    assert (lacking.outcome, lacking.skipped, lacking.failed) == ("UNSUPPORTED", True, False)
    broken = judge_fuzz(ITEM, [], evidence="inferred", expectations=None, error="target could not be started").verdict
    assert (broken.outcome, broken.failed, broken.message) == ("ERROR", True, "target could not be started")


def test_one_rule_judges_the_parts_of_both_kinds_of_item() -> None:
    today = dt.date(2026, 1, 1)
    parts = [Part("x#1", "UNSUPPORTED"), Part("x#2", "FAIL", gates=False), Part("x#3", "ERROR")]
    as_scenario, _ = judge_parts("x", parts, expectations=None, today=today, unsupported_gates=True)
    as_fuzz, _ = judge_parts("x", parts, expectations=None, today=today, unsupported_gates=False)
    assert [(j.outcome, j.gating) for j in as_scenario] == [("UNSUPPORTED", True), ("FAIL", False), ("ERROR", True)]
    assert [(j.outcome, j.gating) for j in as_fuzz] == [("UNSUPPORTED", False), ("FAIL", False), ("ERROR", True)]
