from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conformance.report.errors import ReportError
from conformance.report.recording import differences, read_recording, recording_of, write_recording
from conformance.report.records import CheckRecord

ACCOUNTS = {"creator": "111111111111", "member": "222222222222"}


def _check(step: int, body: Any, status: int = 200, headers: dict[str, str] | None = None) -> CheckRecord:
    return CheckRecord(
        check_id=f"s#{step}",
        scenario_id="s",
        target="t",
        outcome="PASS",
        step=step,
        operation="GetCollaboration",
        actor="creator",
        response={"status": status, "headers": headers or {}, "body": body},
    )


def _collab(cid: str, name: str, t: float, status: str = "INVITED") -> dict[str, Any]:
    return {
        "collaboration": {
            "id": cid,
            "arn": f"arn:aws:cleanrooms:us-east-1:111111111111:collaboration/{cid}",
            "name": name,
            "createTime": t,
            "memberStatus": status,
        }
    }


A = "0d1b6a4e-8c6f-4b1e-9b7a-2f4a3c5d6e7f"
B = "9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b"


def test_ids_times_accounts_and_run_id_do_not_count_as_differences() -> None:
    first = recording_of("s", "t", [_check(0, _collab(A, "x-cr-conf-1", 1.8e9))], accounts=ACCOUNTS, run_id="cr-conf-1")
    second = recording_of(
        "s", "t", [_check(0, _collab(B, "x-cr-conf-2", 1.9e9))], accounts=ACCOUNTS, run_id="cr-conf-2"
    )
    assert differences(first, second) == []
    assert first["steps"][0]["body"]["collaboration"]["name"] == "x-<run-id>"


def test_a_changed_value_is_a_difference_with_its_path() -> None:
    first = recording_of("s", "t", [_check(0, _collab(A, "n", 1.8e9))], accounts=ACCOUNTS, run_id="cr-conf-0000")
    second = recording_of(
        "s", "t", [_check(0, _collab(A, "n", 1.8e9, status="ACTIVE"))], accounts=ACCOUNTS, run_id="cr-conf-0000"
    )
    (found,) = differences(first, second)
    assert found.step == 0
    assert "body['collaboration']['memberStatus']" in found.message
    assert "'ACTIVE', recorded 'INVITED'" in found.message


def test_status_error_code_and_missing_steps_are_differences() -> None:
    ok = recording_of(
        "s", "t", [_check(0, _collab(A, "n", 1.8e9)), _check(1, {})], accounts=ACCOUNTS, run_id="cr-conf-0000"
    )
    error = _check(0, {"message": "no"}, status=403, headers={"x-amzn-errortype": "AccessDeniedException"})
    bad = recording_of("s", "t", [error], accounts=ACCOUNTS, run_id="cr-conf-0000")
    messages = [str(d) for d in differences(ok, bad)]
    assert any("status 403, recorded 200" in m for m in messages)
    assert any("error_code 'AccessDeniedException', recorded None" in m for m in messages)
    assert any("steps[1]" in m and "did not run now" in m for m in messages)


def test_write_then_read_round_trip_and_bad_files(tmp_path: Path) -> None:
    recording = recording_of("s1", "t", [_check(0, _collab(A, "n", 1.8e9))], accounts=ACCOUNTS, run_id="cr-conf-0000")
    path = write_recording(tmp_path, recording)
    assert path.name == "s1.json"
    assert read_recording(tmp_path, "s1") == json.loads(path.read_text())
    assert read_recording(tmp_path, "missing") is None
    (tmp_path / "broken.json").write_text("{nope")
    with pytest.raises(ReportError, match=r"broken.json: not a readable recording.*--record"):
        read_recording(tmp_path, "broken")
    (tmp_path / "old.json").write_text('{"version": 99}')
    with pytest.raises(ReportError, match="version"):
        read_recording(tmp_path, "old")
