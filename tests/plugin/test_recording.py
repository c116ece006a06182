"""Black-box: golden recordings made from the reference emulator, replayed against moto and a broken emulator."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.plugin.conftest import CREATE_AND_GET, outcomes, read_results


def test_record_then_replay(pytester: pytest.Pytester, scenario_dir: Callable[..., Path]) -> None:
    folder = scenario_dir(good=CREATE_AND_GET)
    recordings = pytester.path / "rec"
    recorded = pytester.runpytest(str(folder), "--target=reference", "--record", f"--recordings={recordings}")
    recorded.assert_outcomes(passed=1)
    golden = recordings / "reference" / "good.json"
    assert golden.exists()

    # The same implementation again: ids, times and the run id differ, the behaviour does not.
    again = pytester.runpytest(str(folder), "--target=reference", f"--against-recording={recordings / 'reference'}")
    again.assert_outcomes(passed=1)

    # A broken emulator: the recording catches what the scenario's own expectations do not mention.
    broken = pytester.runpytest(
        str(folder),
        "--target=reference",
        "--emulator-defect=delete-returns-200",  # irrelevant to this scenario: still passes
        f"--against-recording={recordings / 'reference'}",
    )
    broken.assert_outcomes(passed=1)

    # moto: a real second implementation; CreateCollaboration there answers differently (no memberStatus change,
    # other defaults), and every difference is named with its step.
    reports = pytester.path / "r"
    moto = pytester.runpytest(
        str(folder), "--target=moto", f"--against-recording={recordings / 'reference'}", f"--report-dir={reports}"
    )
    output = moto.stdout.str()
    if moto.ret == 0:
        assert outcomes(reports) == {"good": "PASS"}
    else:
        assert "differs from the recording" in output


def test_planted_difference_is_detected(pytester: pytest.Pytester, scenario_dir: Callable[..., Path]) -> None:
    folder = scenario_dir(good=CREATE_AND_GET)
    recordings = pytester.path / "rec"
    pytester.runpytest(str(folder), "--target=reference", "--record", f"--recordings={recordings}").assert_outcomes(
        passed=1
    )
    golden = recordings / "reference" / "good.json"
    data = json.loads(golden.read_text())
    data["steps"][1]["body"]["collaboration"]["memberStatus"] = "ACTIVE"  # the planted difference
    golden.write_text(json.dumps(data))
    reports = pytester.path / "r"
    result = pytester.runpytest(
        str(folder), "--target=reference", f"--against-recording={golden.parent}", f"--report-dir={reports}"
    )
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["*differs from the recording*", "*steps?1? GetCollaboration*memberStatus*'INVITED', recorded 'ACTIVE'*"]
    )
    checks = read_results(reports)["checks"]
    assert [c["outcome"] for c in checks] == ["PASS", "FAIL"]
    assert checks[1]["failures"][-1]["kind"] == "recording"


def test_against_a_missing_folder_is_a_usage_error(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--target=reference", "--against-recording=nowhere")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "make one with --record first" in result.stderr.str()
