"""``cleanrooms-conformance serve --reading NAME=VALUE``: readings reach the served emulator's config."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

import conformance.reference
from conformance.cli import EXIT_OK, EXIT_USAGE, main


def test_serve_passes_its_readings_to_the_emulator(monkeypatch: pytest.MonkeyPatch) -> None:
    served: list[Any] = []
    monkeypatch.setattr(
        conformance.reference, "serve_forever", lambda host, port, config, ready, **_: served.append(config)
    )
    argv = [
        "serve",
        "--reading",
        "patterns=smithy",
        "--reading",
        "api_version=2025-09-03",
        "--reading",
        "bad_json=validation",
    ]
    assert main(argv) == EXIT_OK
    (config,) = served
    assert (config.patterns, config.api_version, config.bad_json, config.unknown_ids) == (
        "smithy",
        date(2025, 9, 3),
        "validation",
        "not-found",
    )


def test_serve_refuses_a_wrong_reading(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--reading", "unknown_ids=404"]) == EXIT_USAGE
    assert "unknown_ids is one of not-found, access-denied" in capsys.readouterr().err
