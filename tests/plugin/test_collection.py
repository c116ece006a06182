"""Black-box: bad scenario files are collection errors naming file:line, and the other files still run."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.plugin.conftest import CREATE_AND_GET, outcomes

HEADER = "scenario: broken\nsince: 2023-01-12\nevidence: {level: model, source: MODEL}\n"

BAD_FILES: dict[str, tuple[str, int, str]] = {
    # name: (text, line the error must name, words the message must contain)
    "yaml_syntax": (HEADER + "steps:\n  - as: creator\n    call: [GetCollaboration\n", 7, "YAML"),
    "unknown_key": (HEADER + "stepz:\n  - as: creator\n    call: ListCollaborations\n", 4, "stepz"),
    "unknown_operation": (HEADER + "steps:\n  - as: creator\n    call: ListCollaboration\n", 6, "ListCollaborations"),
    "unknown_member": (
        HEADER + "steps:\n  - as: creator\n    call: ListCollaborations\n    with: {maxResult: 1}\n",
        7,
        "maxResults",
    ),
    "unknown_actor": (HEADER + "steps:\n  - as: stranger\n    call: ListCollaborations\n", 5, "stranger"),
    "unknown_matcher": (
        HEADER + "steps:\n  - as: creator\n    call: ListCollaborations\n    expect: {nextToken: !uuidd }\n",
        7,
        "uuidd",
    ),
    "bad_regex": (
        HEADER + "steps:\n  - as: creator\n    call: ListCollaborations\n    expect: {nextToken: !regex '('}\n",
        7,
        "regex",
    ),
    "bad_since": (
        "scenario: broken\nsince: last tuesday\nsteps:\n  - as: creator\n    call: ListCollaborations\n",
        2,
        "since",
    ),
    "bad_evidence": (
        "scenario: broken\nsince: 2023-01-12\nevidence: {level: rumour, source: MODEL}\n"
        "steps:\n  - as: creator\n    call: ListCollaborations\n",
        3,
        "rumour",
    ),
}


@pytest.mark.parametrize("kind", sorted(BAD_FILES))
def test_bad_file_is_a_collection_error_with_file_and_line_and_the_rest_runs(
    pytester: pytest.Pytester, scenario_dir: Callable[..., Path], kind: str
) -> None:
    text, line, words = BAD_FILES[kind]
    folder = scenario_dir(good=CREATE_AND_GET, **{kind: text})
    result = pytester.runpytest(str(folder), "--target=reference", "--report-dir", str(pytester.path / "r"))
    result.assert_outcomes(passed=1, errors=1)
    output = result.stdout.str()
    assert f"{kind}.yaml:{line}" in output, output
    assert words in output, output
    # the broken file is a row of the report too, so the score cannot read 100% (issue 15)
    assert outcomes(pytester.path / "r") == {"good": "PASS", kind: "ERROR"}


def test_duplicate_ids_across_files(pytester: pytest.Pytester, scenario_dir: Callable[..., Path]) -> None:
    folder = scenario_dir(
        a=CREATE_AND_GET.replace("scenario:", "id: same\nscenario:", 1),
        b=CREATE_AND_GET.replace("scenario:", "id: same\nscenario:", 1),
    )
    result = pytester.runpytest(str(folder), "--target=reference", "--report-dir", str(pytester.path / "r"))
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*b.yaml:*'same' is already used by*a.yaml*"])


def test_plugin_is_inert_without_conformance_options(
    pytester: pytest.Pytester, scenario_dir: Callable[..., Path]
) -> None:
    scenario_dir(good=CREATE_AND_GET)
    pytester.makepyfile(test_plain="def test_ok():\n    assert True\n")
    result = pytester.runpytest()
    result.assert_outcomes(passed=1)
    assert "cleanrooms-conformance:" not in result.stdout.str()
    assert not (pytester.path / "reports").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--target=ftp://example"], "ftp"),
        (["--target=reference", "--api-version=yesterday"], "--api-version"),
        (["--scenarios=does-not-exist"], "not a directory"),
        (["--target=moto", "--emulator-defect=member-can-commit"], "--emulator-defect applies only"),
        (["--target=nosuchname"], "nosuchname"),
    ],
)
def test_wrong_options_are_usage_errors(pytester: pytest.Pytester, args: list[str], message: str) -> None:
    result = pytester.runpytest(*args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert message in result.stderr.str() + result.stdout.str()


def test_unknown_emulator_defect_is_reported(pytester: pytest.Pytester, scenario_dir: Callable[..., Path]) -> None:
    folder = scenario_dir(good=CREATE_AND_GET)
    result = pytester.runpytest(str(folder), "--target=reference", "--emulator-defect=no-such-defect")
    output = result.stdout.str() + result.stderr.str()
    assert result.ret != 0
    assert "no-such-defect" in output
    assert "member-can-commit" in output  # the valid names are listed


def test_api_version_deselects_newer_scenarios(pytester: pytest.Pytester, scenario_dir: Callable[..., Path]) -> None:
    newer = CREATE_AND_GET.replace("since: 2023-01-12", "since: 2025-12-18")
    folder = scenario_dir(old=CREATE_AND_GET, new=newer)
    result = pytester.runpytest(str(folder), "--target=reference", "--api-version=2025-09-03")
    result.assert_outcomes(passed=1, deselected=1)
