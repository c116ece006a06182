"""The CLI's own choices, as plain values (the commands themselves run end to end in tests/e2e/test_cli.py)."""

from __future__ import annotations

import json

import pytest

from conformance import __version__
from conformance.cli import RUN_OPTIONS, main


def test_a_run_leaves_out_the_plugins_it_does_not_use_and_rewrites_no_asserts() -> None:
    assert RUN_OPTIONS == ("-p", "no:schemathesis", "-p", "no:hypothesispytest", "--assert=plain")


def test_a_run_without_those_plugins_still_collects_the_whole_library(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--pyargs", "conformance", "--target=reference", "--collect-only", "-q", *RUN_OPTIONS)

    assert result.ret == 0
    listed = result.stdout.str()
    assert "collaboration-create-basic.yaml::collaboration-create-basic" in listed
    assert "conformance/fuzz/schemathesis_run.py::fuzz:schemathesis" in listed


def test_openapi_prints_the_document_of_a_release(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["openapi", "--api-version=2025-09-03"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["info"]["x-api-version"] == "2025-09-03"
    names = {op["operationId"] for path in document["paths"].values() for op in path.values()}
    assert "UpdateCollaborationChangeRequest" not in names
    assert "CreateCollaborationChangeRequest" in names
    assert main(["openapi", "--api-version=2025-02-30"]) == 2
    assert "--api-version" in capsys.readouterr().err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.strip() == f"cleanrooms-conformance {__version__}"


def test_run_help_lists_every_option_of_the_suite(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "--help"]) == 0
    text = capsys.readouterr().out
    for option in (
        "--target",
        "--report-dir",
        "--evidence",
        "--expectations",
        "--api-version",
        "--target-name",
        "--scenarios",
        "--fuzz-profile",
        "--seed",
        "--record",
        "--mask-accounts",
    ):
        assert option in text, option
    assert "-partial" in text  # where a partial run's report goes


@pytest.mark.parametrize(
    ("option", "words"),
    [("--evidence=maybe", "invalid choice: 'maybe'"), ("--connect-timeout=soon", "invalid float value")],
)
def test_a_bad_option_value_is_reported_under_the_commands_name(
    capsys: pytest.CaptureFixture[str], option: str, words: str
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["run", option])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "cleanrooms-conformance run: error:" in err
    assert words in err
    assert "pytest.main()" not in err
