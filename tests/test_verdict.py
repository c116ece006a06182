"""The records a scenario result becomes: the scenario's level is its own, whatever the target answered."""

from __future__ import annotations

from pathlib import Path

from conformance.item_records import scenario_records
from conformance.model.exchange import CallResult
from conformance.report.records import CheckRecord, ScenarioRecord
from conformance.scenario.loader import load_scenario
from conformance.scenario.runner import run_scenario
from conformance.verdict import judge
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
