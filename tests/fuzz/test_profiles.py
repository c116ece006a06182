from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import settings

from conformance.fuzz.profiles import (
    BUDGETS,
    BudgetSpent,
    Deadline,
    ShrinkBudgetSpent,
    ShrinkClock,
    budget,
    current_deadline,
    deadline,
    hypothesis_settings,
)
from conformance.targets import RunningTarget


def test_profiles_win_over_a_loaded_profile(tmp_path: Path) -> None:
    before = settings.default
    settings.register_profile("cleanrooms-test-loud", max_examples=3, deadline=200, derandomize=False)
    settings.load_profile("cleanrooms-test-loud")
    try:
        quick = hypothesis_settings(budget("quick"), examples=12)
        assert quick.max_examples == 12
        assert quick.deadline is None
        assert quick.derandomize
        assert quick.database is None
        thorough = hypothesis_settings(budget("thorough"), examples=5, seed=1, report_dir=tmp_path)
        assert thorough.database is not None
        assert not thorough.derandomize
    finally:
        settings.load_profile("default")
    assert settings.default.max_examples == before.max_examples


def test_quick_is_smaller_than_thorough_and_unknown_profiles_are_refused() -> None:
    quick, thorough = BUDGETS["quick"], BUDGETS["thorough"]
    assert quick.property_examples < thorough.property_examples
    assert quick.shrink_seconds < thorough.shrink_seconds
    with pytest.raises(ValueError, match="quick, thorough"):
        budget("slow")


def test_the_shrink_clock_fires_once_after_its_budget() -> None:
    clock = ShrinkClock(0.0)
    clock.check()  # no failure yet: nothing to stop
    clock.failed()
    with pytest.raises(ShrinkBudgetSpent):
        clock.check()
    clock.check()  # once only, so Hypothesis' final replay runs normally
    assert clock.spent


def test_a_passed_deadline_ends_a_hypothesis_run_at_the_next_example(healthy: RunningTarget) -> None:
    from conformance.fuzz.properties import run_property
    from tests.fuzz.conftest import campaign
    from tests.fuzz.test_campaign import Countdown

    fuzz = campaign(healthy, operations=["GetCollaboration"])
    fuzz.support()
    settings_ = hypothesis_settings(budget("quick"), examples=12)
    with deadline(Countdown(4)) as limit:
        tally = run_property(fuzz, "random-valid", "GetCollaboration", settings_, seed=1)
    assert limit.hit
    assert tally.variants + tally.skipped == 4  # four examples ran; the fifth found the budget spent
    assert tally.outcome == "PASS"
    assert current_deadline() is None


def test_the_shrink_clock_raises_budget_spent_once_the_deadline_passed() -> None:
    clock = ShrinkClock(60.0)
    with deadline(Deadline(time.monotonic() - 1, "spent")) as limit:
        with pytest.raises(BudgetSpent):
            clock.check()
        with pytest.raises(ShrinkBudgetSpent):  # every time: whatever runs next is past the budget too
            clock.check()
    assert limit.hit
    clock.check()  # no deadline any more, no failure: nothing to stop
    assert not clock.spent


def test_quick_budgets_are_smaller_than_thorough_ones() -> None:
    quick, thorough = BUDGETS["quick"], BUDGETS["thorough"]
    assert 0 < quick.check_seconds < quick.run_seconds
    assert quick.check_seconds < thorough.check_seconds
    assert quick.run_seconds < thorough.run_seconds
