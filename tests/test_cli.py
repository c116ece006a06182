"""The CLI's own choices, as plain values (the commands themselves run end to end in tests/e2e/test_cli.py)."""

from __future__ import annotations

import json

import pytest

from conformance.cli import RUN_OPTIONS, main


def test_a_run_leaves_out_the_plugins_it_does_not_use_and_rewrites_no_asserts() -> None:
    assert RUN_OPTIONS == ("-p", "no:schemathesis", "-p", "no:hypothesispytest", "--assert=plain")


def test_a_run_without_those_plugins_still_collects_the_whole_library(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--pyargs", "conformance", "--target=reference", "--collect-only", "-q", *RUN_OPTIONS)

    assert result.ret == 0
    listed = result.stdout.str()
    assert "collaboration-create-basic.yaml::collaboration-create-basic" in listed
    assert "model-checksums.json::fuzz:schemathesis" in listed


def test_openapi_prints_the_document_of_a_release(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["openapi", "--api-version=2025-09-03"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["info"]["x-api-version"] == "2025-09-03"
    names = {op["operationId"] for path in document["paths"].values() for op in path.values()}
    assert "UpdateCollaborationChangeRequest" not in names
    assert "CreateCollaborationChangeRequest" in names
    assert main(["openapi", "--api-version=2025-02-30"]) == 2
    assert "--api-version" in capsys.readouterr().err
