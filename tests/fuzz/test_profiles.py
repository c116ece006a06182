from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import settings

from conformance.fuzz.profiles import BUDGETS, ShrinkBudgetSpent, ShrinkClock, budget, hypothesis_settings


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
