"""Budgets: the ``quick`` and ``thorough`` settings profiles, and the Hypothesis settings built from them.

Hypothesis loads its built-in ``ci`` profile by itself when the ``CI`` variable is set (this project's CI sets
``CI=true``). The fuzz checks therefore never rely on the loaded default: every setting that matters is given
explicitly, on top of Hypothesis' own ``default`` profile, in the settings object each check is run with, so
whichever profile is loaded, ``quick`` means the same thing. The example database is off (``quick``) or lives
under the report folder (``thorough``), never in the repository.

Each profile also has time budgets: one per fuzz check (pytest item) and one per run. The glue sets a
:class:`Deadline` around each check; the checks consult it between variants (:meth:`Deadline.passed`), and the
Hypothesis-driven ones through their :class:`ShrinkClock`, which ends the run with :class:`BudgetSpent`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
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


class BudgetSpent(ShrinkBudgetSpent):
    """Raised inside a Hypothesis test when the check's time budget has run out: the run ends at once.

    A :class:`ShrinkBudgetSpent`, so every caller that lets that one end a run (``run_test``, the schemathesis
    check) lets this one end it too; the tally then counts the variants that ran.
    """


class Deadline:
    """When the current fuzz check must stop (a monotonic time), and whether it had to."""

    def __init__(self, at: float, why: str) -> None:
        self.at = at
        self.why = why
        """What ran out, for the report ("the check budget of 30 s (--fuzz-check-budget)")."""
        self.hit = False

    def passed(self) -> bool:
        """Whether the deadline has passed (and so the check was cut short)."""
        if time.monotonic() >= self.at:
            self.hit = True
        return self.hit


_DEADLINE: ContextVar[Deadline | None] = ContextVar("fuzz_deadline", default=None)


@contextmanager
def deadline(limit: Deadline) -> Iterator[Deadline]:
    """Run the enclosed check under ``limit`` (the checks ask :func:`current_deadline`)."""
    token = _DEADLINE.set(limit)
    try:
        yield limit
    finally:
        _DEADLINE.reset(token)


def current_deadline() -> Deadline | None:
    return _DEADLINE.get()


def out_of_time() -> bool:
    """Whether the current check's deadline (if any) has passed."""
    limit = _DEADLINE.get()
    return limit is not None and limit.passed()


class ShrinkClock:
    """Starts at the first failure; says when shrinking has had its time (and ends a run out of its budget)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.started: float | None = None
        self.spent = False

    def failed(self) -> None:
        if self.started is None:
            self.started = time.monotonic()

    def check(self) -> None:
        """Raise :class:`ShrinkBudgetSpent` when a failure was seen more than the budget ago.

        Raises :class:`BudgetSpent` when the check's :class:`Deadline` has passed (every time: whatever Hypothesis
        runs after that is past the budget too).
        """
        if out_of_time():
            raise BudgetSpent
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
    check_seconds: float = 30.0
    """Time one fuzz check (one pytest item) may take; then it stops and reports how many variants ran."""
    run_seconds: float = 300.0
    """Time the fuzz checks of one process (each xdist worker) may take together; the checks not started by then
    are reported as not run."""


BUDGETS = {
    # Against the reference emulator a quick check takes 0.1-3 s and the whole quick fuzz run about 25 s, so the
    # quick budgets only bind on a slow target: 30 s a check, 5 minutes a run.
    "quick": Budget(
        "quick",
        12,
        20,
        20,
        8,
        shrink_seconds=4.0,
        derandomize=True,
        database=False,
        check_seconds=30.0,
        run_seconds=300.0,
    ),
    "thorough": Budget(
        "thorough",
        150,
        60,
        50,
        60,
        shrink_seconds=60.0,
        derandomize=False,
        database=True,
        check_seconds=300.0,
        run_seconds=3600.0,
    ),
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
