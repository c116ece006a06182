from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from conformance.model.releases import APPROVALS, CHANGE_REQUESTS, RELEASE_DATES
from conformance.scenario.loader import load_scenarios
from conformance.scenario.versions import parse_api_version, select

DATA = Path(__file__).parent / "data"


def test_select_keeps_what_existed_at_the_api_version() -> None:
    scenarios, _ = load_scenarios([DATA])
    assert {s.id for s in select(scenarios, None)} == {"approval-workflow", "auto-approved-add-member", "refusals"}
    assert {s.id for s in select(scenarios, CHANGE_REQUESTS)} == {"auto-approved-add-member", "refusals"}
    assert {s.id for s in select(scenarios, date(2025, 12, 17))} == {"auto-approved-add-member", "refusals"}
    assert len(select(scenarios, APPROVALS)) == 3
    assert select(scenarios, date(2024, 1, 1)) == []


def test_release_dates_follow_the_spec() -> None:
    assert {CHANGE_REQUESTS, APPROVALS, date(2026, 5, 21), date(2026, 8, 11)} <= RELEASE_DATES
    assert date(2025, 12, 19) not in RELEASE_DATES  # an EventBridge docs change, not an SDK release


def test_parse_api_version() -> None:
    assert parse_api_version("2025-09-03") == CHANGE_REQUESTS
    assert parse_api_version("latest") is None
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        parse_api_version("2025/09/03")
