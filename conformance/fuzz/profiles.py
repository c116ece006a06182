"""Budgets: the ``quick`` and ``thorough`` settings profiles, and the Hypothesis settings built from them.

Hypothesis loads its built-in ``ci`` profile by itself when the ``CI`` variable is set (this project's CI sets
``CI=true``). The fuzz checks therefore never rely on the loaded default: every setting that matters is given
explicitly, on top of Hypothesis' own ``default`` profile, in the settings object each check is run with, so
whichever profile is loaded, ``quick`` means the same thing. The example database is off (``quick``) or lives
under the report folder (``thorough``), never in the repository.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from hypothesis import HealthCheck, Phase, Verbosity, settings
from hypothesis import seed as hypothesis_seed
from hypothesis.database import DirectoryBasedExampleDatabase
from hypothesis.errors import HypothesisException

from conformance.fuzz.catalogue import PROFILES


class ShrinkBudgetSpent(BaseException):
    """Raised inside a Hypothesis test to end shrinking when its time budget is spent.

    A ``BaseException`` on purpose: Hypothesis treats an ``Exception`` as the test failing (and would shrink that
    too), but lets a ``BaseException`` end the run at once; the caller then reports the smallest failure seen.
    """


class ShrinkClock:
    """Starts at the first failure; says when shrinking has had its time."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.started: float | None = None
        self.spent = False

    def failed(self) -> None:
        if self.started is None:
            self.started = time.monotonic()

    def check(self) -> None:
        """Raise :class:`ShrinkBudgetSpent` when a failure was seen more than the budget ago."""
        if not self.spent and self.started is not None and time.monotonic() - self.started > self.seconds:
            self.spent = True  # once: a replay Hypothesis makes afterwards must run normally
            raise ShrinkBudgetSpent

    @property
    def note(self) -> str:
        """What a report says when the budget ended shrinking ('' when it did not)."""
        return f"shrinking stopped after its {self.seconds:g} s budget" if self.spent else ""


def run_test(test: Callable[[], None], *, seed: int | None, clock: ShrinkClock, failure: type[BaseException]) -> str:
    """Run a Hypothesis test that raises ``failure`` for a failing example and whose shrinking ``clock`` may end.

    Returns why Hypothesis itself stopped the run ('' when it did not): flaky replays, unsatisfiable strategies
    and the like are reported, not raised. Ending shrinking early can leave Hypothesis' record of the example
    inconsistent; what it raises then is expected and not reported.
    """
    if seed is not None:
        test = hypothesis_seed(seed)(test)
    try:
        test()
    except (failure, ShrinkBudgetSpent):
        pass
    except HypothesisException as exc:
        if not clock.spent:
            return f"Hypothesis stopped: {type(exc).__name__}: {exc}"
    return ""


@dataclass(frozen=True, slots=True)
class Budget:
    """How much each kind of fuzz check may do."""

    name: str
    property_examples: int
    """Hypothesis examples per operation for the random valid and random invalid properties."""
    machine_examples: int
    machine_steps: int
    schemathesis_examples: int
    """Per operation and generation mode."""
    shrink_seconds: float
    """How long shrinking may go on after the first failure; then the smallest failure so far is reported."""
    derandomize: bool
    """Same examples every run (unless a seed is given)."""
    database: bool
    """Keep failing examples under the report folder and replay them first next time."""


BUDGETS = {
    "quick": Budget("quick", 12, 20, 20, 8, shrink_seconds=4.0, derandomize=True, database=False),
    "thorough": Budget("thorough", 150, 60, 50, 60, shrink_seconds=60.0, derandomize=False, database=True),
}


def budget(name: str) -> Budget:
    try:
        return BUDGETS[name]
    except KeyError:
        raise ValueError(f"unknown fuzz profile {name!r}; use one of {', '.join(PROFILES)}") from None


def hypothesis_settings(
    chosen: Budget, *, examples: int, seed: int | None = None, report_dir: Path | None = None, steps: int | None = None
) -> settings:
    """Complete settings for one check: explicit values only, so a loaded profile (``ci``) cannot change them."""
    database = None
    if chosen.database and report_dir is not None:
        database = DirectoryBasedExampleDatabase(report_dir / ".hypothesis")
    return settings(
        settings.get_profile("default"),
        max_examples=examples,
        deadline=None,
        database=database,
        derandomize=chosen.derandomize and seed is None,
        # Checks call a live target: "too slow" and large-data health checks say nothing about the target.
        suppress_health_check=list(HealthCheck),
        phases=(Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink),
        report_multiple_bugs=False,
        print_blob=False,
        verbosity=Verbosity.quiet,
        stateful_step_count=steps if steps is not None else chosen.machine_steps,
    )
