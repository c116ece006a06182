"""The fuzz checks' time budgets, and where Hypothesis keeps its files during a run.

The budgets are ``--fuzz-profile``'s, or ``--fuzz-check-budget`` / ``--fuzz-run-budget``.
A check stops when its budget runs out and says how many variants ran; a check that would start after the run
budget is spent is not run (SKIPPED, with why).
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from conformance.glue.session import FUZZ, SESSION
from conformance.verdict import cut_note

if TYPE_CHECKING:
    from conformance.fuzz.profiles import Budget, Deadline
    from conformance.fuzz.results import Tally


def budget_of(config: pytest.Config) -> Budget:
    """The budget of ``--fuzz-profile``."""
    from conformance.fuzz.profiles import budget

    return budget(config.option.fuzz_profile)


@dataclass(frozen=True, slots=True)
class Limits:
    """The time budgets in force (seconds; 0 is no limit)."""

    check: float
    run: float


def limits(config: pytest.Config) -> Limits:
    option = config.option
    chosen = budget_of(config)
    check = option.fuzz_check_budget if option.fuzz_check_budget is not None else chosen.check_seconds
    run = option.fuzz_run_budget if option.fuzz_run_budget is not None else chosen.run_seconds
    return Limits(check, run)


def deadline(limits: Limits, remaining: float | None, started: float) -> Deadline:
    """The deadline of a check that starts now: its own budget, or what is left of the run's when that is less."""
    from conformance.fuzz.profiles import Deadline

    now = time.monotonic() - (time.perf_counter() - started)
    options = [(float("inf"), "no budget")]
    if limits.check:
        options.append((limits.check, f"the check budget of {limits.check:g} s (--fuzz-check-budget)"))
    if remaining is not None:
        options.append((remaining, f"the run budget of {limits.run:g} s (--fuzz-run-budget)"))
    seconds, why = min(options, key=lambda pair: pair[0])
    return Deadline(now + seconds, why)


def cut_short(tally: Tally, limit: Deadline) -> Tally:
    """A tally of a check its budget ended, saying so (unless the check said it already)."""
    from conformance.fuzz.campaign import cut_short as note

    if cut_note(tally) or tally.outcome == "UNSUPPORTED":
        return tally
    return replace(tally, note="; ".join(filter(None, [note(limit, tally.variants), tally.note])))


def hypothesis_home(item: pytest.Item) -> None:
    """Point Hypothesis' files (example database, Unicode tables) at the report folder, or a temporary one.

    Hypothesis writes them under ``.hypothesis`` in the current directory unless told otherwise: its Unicode
    character tables whenever a strategy draws text, and its example database when a settings object leaves the
    default one. Set once per process, before the first check that imports Hypothesis; undone at the end.
    """
    state = item.config.stash[FUZZ]
    if state.hypothesis_home is not None:
        return
    from hypothesis import configuration

    session = item.config.stash[SESSION]
    if session.report_dir is not None:
        home = session.report_dir / ".hypothesis"
    else:
        state.temporary = Path(tempfile.mkdtemp(prefix="cleanrooms-hypothesis-"))
        home = state.temporary
    state.previous_home = getattr(configuration, "__hypothesis_home_directory", None)
    configuration.set_hypothesis_home_dir(home)
    state.hypothesis_home = home
