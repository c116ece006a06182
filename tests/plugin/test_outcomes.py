"""Black-box: each outcome kind, produced by real loopback servers that misbehave on purpose."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.plugin.conftest import CREATE_AND_GET, GET_COLLABORATION, outcomes, read_results
from tests.targets.misbehaving import CannedResponse, MisbehavingServer, closed_port_url

FAST = ["--connect-timeout=1", "--read-timeout=0.5"]


@pytest.mark.parametrize(
    ("mode", "outcome", "evidence"),
    [
        ("hang", "ERROR", "ReadTimeoutError"),
        ("drop", "ERROR", "ConnectionClosedError"),
        ("non-json", "ERROR", "unparseable"),
        ("status-500", "FAIL", "InternalServerException"),
        ("wrong-status", "FAIL", "202"),
        ("missing-field", "FAIL", "missing"),
    ],
)
def test_misbehaving_server_yields_outcome_with_evidence(
    pytester: pytest.Pytester, scenario_dir: Callable[..., Path], mode: str, outcome: str, evidence: str
) -> None:
    folder = scenario_dir(get=GET_COLLABORATION, second=GET_COLLABORATION.replace("get a", "get another"))
    reports = pytester.path / "r"
    with MisbehavingServer(mode) as server:
        started = time.monotonic()
        result = pytester.runpytest(str(folder), f"--target={server.url}", "--report-dir", str(reports), *FAST)
        elapsed = time.monotonic() - started
    # Both scenarios ran (the first one's trouble did not stop the run) and nothing hung.
    result.assert_outcomes(failed=2)
    assert elapsed < 20
    assert outcomes(reports) == {"get": outcome, "second": outcome}
    output = result.stdout.str()
    assert f"[get]: {outcome}" in output
    assert evidence in output, output
    assert "get.yaml:5" in output  # the failing step's line


def test_unimplemented_route_is_unsupported(pytester: pytest.Pytester, scenario_dir: Callable[..., Path]) -> None:
    folder = scenario_dir(get=GET_COLLABORATION)
    html = CannedResponse(status=404, body=b"<html><h1>Not Found</h1></html>", headers={"Content-Type": "text/html"})
    with MisbehavingServer("canned", response=html) as server:
        result = pytester.runpytest(str(folder), f"--target={server.url}", "--report-dir", str(pytester.path / "r"))
    result.assert_outcomes(failed=1)
    assert outcomes(pytester.path / "r") == {"get": "UNSUPPORTED"}
    assert "not implemented by the target" in result.stdout.str()


def test_pass_against_the_reference_emulator(pytester: pytest.Pytester, scenario_dir: Callable[..., Path]) -> None:
    folder = scenario_dir(good=CREATE_AND_GET)
    result = pytester.runpytest(str(folder), "--report-dir", str(pytester.path / "r"), "--target=reference")
    result.assert_outcomes(passed=1)
    data = read_results(pytester.path / "r")
    assert [c["outcome"] for c in data["checks"]] == ["PASS", "PASS"]
    assert data["run"]["target"] == "reference"


def test_closed_port_is_one_clear_message(pytester: pytest.Pytester, scenario_dir: Callable[..., Path]) -> None:
    folder = scenario_dir(**{f"s{i}": GET_COLLABORATION.replace("get a", f"get {i}") for i in range(20)})
    url = closed_port_url()
    started = time.monotonic()
    result = pytester.runpytest(str(folder), f"--target={url}", *FAST)
    assert time.monotonic() - started < 10
    assert result.ret == 2
    output = result.stdout.str()
    assert output.count("is not reachable") == 1, output
    assert url in output
    assert "FAILED" not in output


def test_the_suite_runs_under_xdist_and_merges_records(
    pytester: pytest.Pytester, scenario_dir: Callable[..., Path]
) -> None:
    folder = scenario_dir(
        **{f"s{i}": CREATE_AND_GET.replace("a collaboration", f"collaboration {i}") for i in range(6)}
    )
    result = pytester.runpytest_subprocess(
        str(folder), "--target=reference", "-n", "2", "--report-dir", str(pytester.path / "r")
    )
    result.assert_outcomes(passed=6)
    data = read_results(pytester.path / "r")
    assert len(data["scenarios"]) == 6
    assert len(data["checks"]) == 12
    assert len({s["scenario_id"] for s in data["scenarios"]}) == 6
    run_ids = {c["request"]["params"]["name"] for c in data["checks"] if c["operation"] == "CreateCollaboration"}
    assert len({name.split("c-", 1)[1] for name in run_ids}) == 1  # one run id shared by both workers
