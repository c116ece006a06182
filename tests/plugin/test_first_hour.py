"""Black-box: what a new user meets first (issue 15) — defaults under plain pytest, a target that cannot start,
partial runs, collection errors in the report and misspelt expectation ids."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.plugin.conftest import CREATE_AND_GET

ONE = "collaboration-create-basic"


def _results(folder: Path) -> dict[str, object]:
    data: dict[str, object] = json.loads((folder / "results.json").read_text(encoding="utf-8"))
    return data


@pytest.mark.parametrize(
    "extra",
    [[], ["--api-version=2025-12-18"], ["--expectations={empty}"]],
    ids=["plain", "api-version", "expectations"],
)
def test_plain_pytest_pyargs_runs_the_library_against_the_reference(
    pytester: pytest.Pytester, extra: list[str]
) -> None:
    empty = pytester.path / "empty.yaml"
    empty.write_text("version: 1\nentries: []\n", encoding="utf-8")
    reports = pytester.path / "r"
    args = [a.format(empty=empty) for a in extra]
    result = pytester.runpytest("--pyargs", "conformance", "-k", ONE, f"--report-dir={reports}", *args)
    result.assert_outcomes(passed=1, deselected=result.parseoutcomes()["deselected"])
    assert (reports / "reference-partial" / "results.json").exists()


def test_only_the_suites_options_activate_it(pytester: pytest.Pytester, scenario_dir: Callable[..., Path]) -> None:
    """Without --pyargs conformance, --api-version alone also runs the library (with the reference)."""
    reports = pytester.path / "r"
    result = pytester.runpytest("--api-version=2023-02-01", "-k", ONE, f"--report-dir={reports}")
    result.assert_outcomes(passed=1, deselected=result.parseoutcomes()["deselected"])


def test_a_target_that_cannot_start_is_one_message_and_exit_2(
    pytester: pytest.Pytester, scenario_dir: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    # moto refuses to start with MOTO_ACCOUNT_ID set (every actor would be one account): a start failure that
    # needs no uninstalled extra.
    monkeypatch.setenv("MOTO_ACCOUNT_ID", "123456789012")
    folder = scenario_dir(a=CREATE_AND_GET, b=CREATE_AND_GET.replace("scenario:", "id: other\nscenario:", 1))
    reports = pytester.path / "r"
    result = pytester.runpytest(str(folder), "--target=moto", f"--report-dir={reports}")
    output = result.stdout.str() + result.stderr.str()
    assert result.ret == 2, output
    # pytest prints an exit's reason once on each stream; no scenario repeats it as an ERROR of its own.
    assert result.stdout.str().count("MOTO_ACCOUNT_ID is set") == 1, output
    assert "cannot be started" in output
    assert " error" not in result.stdout.str().lower(), output
    assert not reports.exists()  # no empty report replaces the last run's


def test_collect_only_writes_no_report(pytester: pytest.Pytester, scenario_dir: Callable[..., Path]) -> None:
    reports = pytester.path / "r"
    result = pytester.runpytest("--pyargs", "conformance", "--collect-only", "-q", f"--report-dir={reports}")
    assert result.ret == 0
    assert not reports.exists()


def test_a_partial_run_says_so_and_leaves_the_full_report_alone(pytester: pytest.Pytester) -> None:
    reports = pytester.path / "r"
    full = reports / "reference"
    full.mkdir(parents=True)
    (full / "results.json").write_text("the full run's", encoding="utf-8")
    result = pytester.runpytest("--pyargs", "conformance", "-k", ONE, f"--report-dir={reports}")
    result.assert_outcomes(passed=1, deselected=result.parseoutcomes()["deselected"])
    assert (full / "results.json").read_text(encoding="utf-8") == "the full run's"
    partial = reports / "reference-partial"
    run = _results(partial)["run"]
    assert isinstance(run, dict)
    assert run["selection"] == f"-k {ONE}"
    page = (partial / "index.html").read_text(encoding="utf-8")
    assert "Partial run" in page
    assert f"-k {ONE}" in page
    result.stdout.fnmatch_lines(["*partial run (-k collaboration-create-basic)*", "report: *reference-partial*"])


def test_a_named_file_is_a_partial_run(pytester: pytest.Pytester, scenario_dir: Callable[..., Path]) -> None:
    folder = scenario_dir(good=CREATE_AND_GET)
    reports = pytester.path / "r"
    result = pytester.runpytest(str(folder / "good.yaml"), "--target=reference", f"--report-dir={reports}")
    result.assert_outcomes(passed=1)
    assert not (reports / "reference").exists()
    run = _results(reports / "reference-partial")["run"]
    assert isinstance(run, dict)
    assert "good.yaml" in run["selection"]


def test_scenario_count_leaves_out_the_fuzz_checks(pytester: pytest.Pytester) -> None:
    chosen = f"{ONE} or fuzz:stateful"
    result = pytester.runpytest("--pyargs", "conformance", "-k", chosen, "--report-dir=r")
    result.stdout.fnmatch_lines(["scenarios: 1 PASS", "fuzz checks: 1 PASS"])


def test_collection_errors_are_rows_that_count_against_the_score(
    pytester: pytest.Pytester, scenario_dir: Callable[..., Path]
) -> None:
    folder = scenario_dir(good=CREATE_AND_GET, broken="scenario: broken\nsince: 2023-01-12\nstepz: []\n")
    reports = pytester.path / "r"
    result = pytester.runpytest(str(folder), "--target=reference", f"--report-dir={reports}")
    result.assert_outcomes(passed=1, errors=1)
    results = _results(reports / "reference-partial")
    rows = {s["scenario_id"]: s for s in results["scenarios"]}  # type: ignore[attr-defined]
    assert rows["broken"]["outcome"] == "ERROR"
    assert "stepz" in rows["broken"]["message"]
    page = (reports / "reference-partial" / "index.html").read_text(encoding="utf-8")
    assert "1 / 2" in page  # not 1 / 1 (100%)
    result.stdout.fnmatch_lines(["*could not be loaded: 1*"])


def test_collection_errors_are_rows_under_xdist_too(
    pytester: pytest.Pytester, scenario_dir: Callable[..., Path]
) -> None:
    folder = scenario_dir(good=CREATE_AND_GET, broken="scenario: broken\nsince: 2023-01-12\nstepz: []\n")
    reports = pytester.path / "r"
    result = pytester.runpytest_subprocess(str(folder), "--target=reference", f"--report-dir={reports}", "-n", "2")
    assert result.ret == 1
    rows = {s["scenario_id"]: s["outcome"] for s in _results(reports / "reference-partial")["scenarios"]}  # type: ignore[attr-defined]
    assert rows == {"good": "PASS", "broken": "ERROR"}


def test_a_misspelt_expectation_id_is_an_error_with_a_suggestion(
    pytester: pytest.Pytester, scenario_dir: Callable[..., Path]
) -> None:
    folder = scenario_dir(good=CREATE_AND_GET)
    expectations = pytester.path / "exp.yaml"
    expectations.write_text(
        "version: 1\nentries:\n  - {id: goood, outcome: FAIL, reason: typo}\n"
        "  - {id: fuzz:negative:CreateCollaboration, outcome: FAIL, reason: real}\n",
        encoding="utf-8",
    )
    result = pytester.runpytest(str(folder), "--target=reference", f"--expectations={expectations}")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*exp.yaml:3: unknown id 'goood'; did you mean 'good'?*"])
    assert "fuzz:negative" not in result.stderr.str()


def test_target_name_names_the_report_folder(pytester: pytest.Pytester, scenario_dir: Callable[..., Path]) -> None:
    folder = scenario_dir(good=CREATE_AND_GET)
    reports = pytester.path / "r"
    result = pytester.runpytest(str(folder), "--target=reference", "--target-name=my-emu", f"--report-dir={reports}")
    result.assert_outcomes(passed=1)
    run = _results(reports / "my-emu-partial")["run"]
    assert isinstance(run, dict)
    assert run["target"] == "my-emu"


def test_a_target_name_that_is_no_folder_name_is_a_usage_error(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--target=reference", "--target-name=../up")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "--target-name" in result.stderr.str()


FAILING = CREATE_AND_GET.replace('expect: {collaboration: {id: "{{ collab }}"}}', "expect: {collaboration: {name: x}}")


def test_the_terminal_shows_each_failure_by_its_first_cause_and_junit_keeps_all(
    pytester: pytest.Pytester, scenario_dir: Callable[..., Path]
) -> None:
    folder = scenario_dir(bad=FAILING)
    reports = pytester.path / "r"
    junit = pytester.path / "junit.xml"
    result = pytester.runpytest(str(folder), "--target=reference", f"--report-dir={reports}", f"--junitxml={junit}")
    result.assert_outcomes(failed=1)
    out = result.stdout.str()
    assert "request:" not in out  # the exchange is in the report, not the terminal
    result.stdout.fnmatch_lines(
        ["*[[]bad[]]: FAIL", "*- [[]expectation*", f"  details: {reports / 'reference-partial' / 'index.html'}#f-bad"]
    )
    assert "request:" in junit.read_text(encoding="utf-8")

    verbose = pytester.runpytest(str(folder), "--target=reference", f"--report-dir={reports}", "-v")
    assert "request:" in verbose.stdout.str()
    assert "details:" not in verbose.stdout.str()


def test_first_lines_picks_the_headline_and_the_first_cause() -> None:
    from conformance.glue.quiet import first_lines

    message = "title [s]: FAIL\nfile.yaml:7: steps[1] x -> FAIL\n  request: GET /\n  - [shape, model] a\n  - [wire] b\n"
    assert first_lines(message) == ["title [s]: FAIL", "file.yaml:7: steps[1] x -> FAIL", "  - [shape, model] a"]
    assert first_lines("only a headline") == ["only a headline"]
    assert first_lines("x" * 300)[0].endswith("...")


def test_a_run_stopped_early_is_partial(pytester: pytest.Pytester, scenario_dir: Callable[..., Path]) -> None:
    folder = scenario_dir(a_bad=FAILING, b_good=CREATE_AND_GET)
    reports = pytester.path / "r"
    result = pytester.runpytest(str(folder), "--target=reference", "-x", f"--report-dir={reports}")
    result.assert_outcomes(failed=1)
    assert not (reports / "reference").exists()
    run = _results(reports / "reference-partial")["run"]
    assert isinstance(run, dict)
    assert "--maxfail=1" in run["selection"]
