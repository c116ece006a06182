"""An item's records stay frozen from the item to the report: changed by copy, serialised once, read back equal."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from types import MappingProxyType

import pytest

from conformance.item_records import ItemRecords, with_recording_differences
from conformance.report import redact
from conformance.report.recording import Difference
from conformance.report.records import CheckRecord, FailureRecord, ScenarioRecord
from conformance.verdict import Verdict

SECRET = "s3cr3t-session-token-for-the-item-records-test"


def _records(outcome: str = "PASS") -> ItemRecords:
    scenario = ScenarioRecord("s", "a scenario", "t", outcome, tags=("a", "b"), message="ok")
    checks = tuple(
        CheckRecord(
            check_id=f"s#{step}",
            scenario_id="s",
            target="t",
            outcome=outcome,
            step=step,
            operation="GetCollaboration",
            failures=(FailureRecord("expectation", "wrong", evidence_level="inferred", evidence_source="A4"),),
            request=MappingProxyType({"params": MappingProxyType({"id": "c"}), "body": b"raw"}),
            response={"status": 200, "body": {"list": (1, 2)}},
        )
        for step in (0, 1)
    )
    return ItemRecords(scenario, checks)


def test_records_cross_the_xdist_boundary_once_and_come_back_equal() -> None:
    records = _records().redacted()  # what an item keeps: plain mappings, frozen records

    back = ItemRecords.from_payload(records.to_payload())

    assert back == records
    assert isinstance(back.checks[0].failures[0], FailureRecord)
    assert back.scenario.tags == ("a", "b")


def test_records_are_frozen() -> None:
    records = _records()
    with pytest.raises(dataclasses.FrozenInstanceError):
        records.scenario.outcome = "FAIL"  # type: ignore[misc]


def test_redaction_makes_a_new_value_and_reaches_mappings_and_failures() -> None:
    redact.remember_secrets([SECRET])
    records = _records()
    check = dataclasses.replace(
        records.checks[0],
        request={"params": {"sessionToken": "x", "note": f"echo {SECRET}"}},
        failures=(FailureRecord("expectation", f"said {SECRET}"),),
    )
    dirty = ItemRecords(dataclasses.replace(records.scenario, message=f"[FAIL] {SECRET}"), (check,))

    clean = dirty.redacted()

    assert SECRET not in clean.to_payload()
    assert clean.checks[0].request is not None
    assert clean.checks[0].request["params"]["sessionToken"] == redact.REDACTED
    assert SECRET in dirty.scenario.message  # the original is unchanged


def test_differences_from_a_recording_fail_their_step_in_a_copy(tmp_path: Path) -> None:
    records = _records()
    judged = Verdict("PASS", False, False, "")

    verdict, changed = with_recording_differences(
        judged, records, [Difference(1, "GetCollaboration", "status 404, recorded 200")], recording=tmp_path / "s.json"
    )

    assert (verdict.outcome, verdict.failed) == ("FAIL", True)
    assert changed.scenario.outcome == "FAIL"
    assert [c.outcome for c in changed.checks] == ["PASS", "FAIL"]
    assert changed.checks[1].failures[-1].kind == "recording"
    assert records == _records()  # nothing was changed in place
    assert with_recording_differences(judged, records, [], recording=tmp_path) == (judged, records)
