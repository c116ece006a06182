"""SDK release dates of the Clean Rooms API (spec §8) and the ``--api-version`` selection of scenarios.

A scenario's ``since`` is the release that introduced what it tests, so an emulator of the 2025-09 API is
judged only on what existed then: :func:`select` keeps the scenarios with ``since <= api_version``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from conformance.scenario.format import Scenario


@dataclass(frozen=True, slots=True)
class Release:
    """One SDK release that changed the Clean Rooms model (spec §8)."""

    date: date
    botocore: str
    summary: str


FIRST_MODEL = date(2023, 1, 12)
CHANGE_REQUESTS = date(2025, 9, 3)
"""Create/Get/ListCollaborationChangeRequest(s); auto-approved ADD_MEMBER only."""
RESULT_REGIONS = date(2025, 10, 3)
MEMBER_CAP_DROPPED = date(2025, 12, 1)
APPROVALS = date(2025, 12, 18)
"""UpdateCollaborationChangeRequest (APPROVE/DENY/CANCEL/COMMIT), ``approvals``, COLLABORATION specs."""
METRICS = date(2026, 1, 2)
RECEIVE_RESULTS_ALLOWED = date(2026, 4, 17)
ML_AND_PAYER_CHANGES = date(2026, 5, 21)
DESCRIPTION_OPTIONAL = date(2026, 6, 30)
EXPORT_LOG_ABILITY = date(2026, 8, 11)

RELEASES: tuple[Release, ...] = (
    Release(FIRST_MODEL, "first model", "collaborations, members, memberships; members capped at 9"),
    Release(CHANGE_REQUESTS, "1.40.23", "Create/Get/ListCollaborationChangeRequest(s); auto-approved ADD_MEMBER"),
    Release(RESULT_REGIONS, "1.40.45", "allowedResultRegions"),
    Release(MEMBER_CAP_DROPPED, "1.41.6", "no 9-member cap on CreateCollaboration.members"),
    Release(APPROVALS, "1.42.13", "UpdateCollaborationChangeRequest, approvals, COLLABORATION specs"),
    Release(METRICS, "1.42.20", "isMetricsEnabled"),
    Release(RECEIVE_RESULTS_ALLOWED, "1.42.91", "docs: CAN_RECEIVE_RESULTS allowed in member change specs"),
    Release(ML_AND_PAYER_CHANGES, "1.43.13", "payer candidates and ML output change types"),
    Release(DESCRIPTION_OPTIONAL, "1.43.38", "CreateCollaboration description optional"),
    Release(EXPORT_LOG_ABILITY, "1.43.69", "CAN_EXPORT_QUERY_ANALYSIS_LOG and its change types"),
)

RELEASE_DATES = frozenset(release.date for release in RELEASES)
"""The dates a scenario's ``since`` may take."""

LATEST = max(RELEASE_DATES)

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
