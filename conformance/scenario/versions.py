"""The ``--api-version`` selection of scenarios, over the release table of :mod:`conformance.model.releases`.

A scenario's ``since`` is the release that introduced what it tests, so an emulator of the 2025-09 API is
judged only on what existed then: :func:`select` keeps the scenarios with ``since <= api_version``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TypeVar

from conformance.model.releases import CHANGE_REQUESTS
from conformance.scenario.format import Scenario

S = TypeVar("S", bound=Scenario)


def select(scenarios: Iterable[S], api_version: date | None) -> list[S]:
    """The scenarios whose behaviour existed at ``api_version`` (all of them when it is None)."""
    if api_version is None:
        return list(scenarios)
    return [scenario for scenario in scenarios if scenario.since <= api_version]


def parse_api_version(text: str) -> date | None:
    """``--api-version`` text: a date ``YYYY-MM-DD`` or ``latest`` (None: everything)."""
    if text.strip().lower() == "latest":
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(
            f"api version {text!r} is not a date; write YYYY-MM-DD, e.g. {CHANGE_REQUESTS.isoformat()}, or 'latest'"
        ) from None
