"""The fuzz items as pytest collects them beside the scenario library, and the item that runs one fuzz check.

The built-in library's folder is collected as a :class:`Library`: its scenario files, then one collector per
fuzz check, located at the module that makes the check (``conformance/fuzz/systematic.py::fuzz:boundary:...``),
so that every report names where a check comes from. An item runs its check within its budgets
(:mod:`conformance.glue.fuzz_budget`, :mod:`conformance.glue.fuzz_runners`), takes its verdict from
:func:`conformance.verdict.judge_fuzz` and its records from :mod:`conformance.item_records`, and ends as the
verdict says (:mod:`conformance.glue.items`), as a scenario item does.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, NoReturn

import pytest

from conformance.fuzz.results import Tally
from conformance.glue import fuzz_budget
from conformance.glue.fuzz_checks import Check, checks
from conformance.glue.fuzz_runners import RUNNERS, CheckRun, drift_tallies
from conformance.glue.items import ConformanceItem, FuzzFailure, conclude, keep
from conformance.glue.session import FUZZ, SESSION
from conformance.item_records import FuzzCheck, fuzz_records, not_run_records
from conformance.model.vocabulary import Outcome
from conformance.targets.errors import TargetError
from conformance.verdict import Verdict, cut_note, judge_fuzz

_PROJECT = Path(__file__).resolve().parents[2]
"""The folder the catalogue's module paths (``conformance/fuzz/...``) are relative to."""


def collect_directory(path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    """The built-in library's folder as a :class:`Library` (other folders are pytest's to collect)."""
    session = parent.config.stash[SESSION]
    if not session.active or not session.roots or path.resolve() != session.roots[0]:
        return None  # only the built-in library carries the fuzz items; other --scenarios folders hold none
    library: Library = Library.from_parent(parent, path=path)
    return library


class Library(pytest.Directory):
    """The built-in scenario library: its files as pytest finds them, then the fuzz checks."""

    def collect(self) -> Iterable[pytest.Item | pytest.Collector]:
        # pytest.Dir is final; its collect() (the folder's entries through pytest's hooks) is what a Directory needs.
        yield from pytest.Dir.collect(self)  # type: ignore[arg-type]
        for check, found in _by_check(checks(self.config)):
            collector: FuzzChecks = FuzzChecks.from_parent(
                self, path=_PROJECT / check.module, nodeid=check.module, checks=found
            )
            yield collector


def _by_check(found: Sequence[Check]) -> list[tuple[Check, list[Check]]]:
    """The items grouped by check, in their order (longest first): one collector each."""
    groups: dict[str, list[Check]] = {}
    for check in found:
        groups.setdefault(check.name, []).append(check)
    return [(group[0], group) for group in groups.values()]


class FuzzChecks(pytest.File):
    """One fuzz check's items, located at the module that makes the check."""

    def __init__(self, *, checks: Sequence[Check], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.checks = tuple(checks)

    def collect(self) -> Iterator[pytest.Item]:
        for check in self.checks:
            item: FuzzItem = FuzzItem.from_parent(self, name=check.item_name, check=check)
            yield item


def _rerun(item: FuzzItem) -> str:
    option = item.config.option
    check = item.check
    # ``-k`` matches substrings: with the one operation chosen, "fuzz:negative:" selects exactly this item
    # (``-k fuzz:negative:CreateCollaboration`` would also select CreateCollaborationChangeRequest's).
    only = ["-k", item.name]
    if check.operation:
        only = [f"--fuzz-operation={check.operation}", "-k", f"fuzz:{check.name}:"]
    parts = ["pytest", "--pyargs", "conformance", "-m", "fuzz", *only, f"--target={option.target or 'reference'}"]
    parts += [f"--fuzz-profile={option.fuzz_profile}"] + ([f"--seed={option.seed}"] if option.seed is not None else [])
    return " ".join(parts)


class FuzzItem(ConformanceItem):
    """One fuzz check against the session's target."""

    def __init__(self, *, check: Check, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.check = check
        self.add_marker(pytest.mark.fuzz)

    def runtest(self) -> None:
        started = time.perf_counter()
        tallies = self._run(started)
        cut = [cut_note(t) for t in tallies if cut_note(t)]
        if cut:  # shown in the warnings summary: a check that passed what it ran did not run everything
            self.warn(pytest.PytestWarning(f"{self.name}: {cut[0]}"))
        conclude(self._finish(tallies, started), FuzzFailure)

    def _run(self, started: float) -> list[Tally]:
        """The check's tallies, within its budgets (a check that was not run is skipped, saying why)."""
        config = self.config
        if not self.check.needs_target:
            return drift_tallies(CheckRun(config, self.check))
        session = config.stash[SESSION]
        state = config.stash[FUZZ]
        limits = fuzz_budget.limits(config)
        remaining = limits.run - state.spent if limits.run else None
        if remaining is not None and remaining <= 0:
            why = f"not run: the run budget of {limits.run:g} s (--fuzz-run-budget) was spent before it started"
            self._not_run(why, started)
        try:
            target = session.target()
        except TargetError as exc:
            self._finish([], started, error=f"target could not be started: {exc}")
            raise FuzzFailure(f"[ERROR] target could not be started: {exc}") from None
        if target.spec.kind == "aws" and not config.option.fuzz_on_aws:
            pytest.skip("fuzzing real AWS creates many resources; pass --fuzz-on-aws to allow it")
        fuzz_budget.hypothesis_home(self)
        from conformance.fuzz import profiles

        limit = fuzz_budget.deadline(limits, remaining, started)
        try:
            with profiles.deadline(limit):
                tallies = RUNNERS[self.check.name](CheckRun(config, self.check), target)
        finally:
            state.spent += time.perf_counter() - started
        if limit.hit:
            tallies = [fuzz_budget.cut_short(t, limit) for t in tallies]
            if tallies and all(t.variants == 0 and cut_note(t) for t in tallies):
                # Its budget ended it before one variant: it was not run, as for a check never started.
                self._not_run(f"not run: {cut_note(tallies[0])}", started)
        return tallies

    def _not_run(self, why: str, started: float) -> NoReturn:
        """Keep the records of a check that was not run (SKIPPED, saying why, never a PASS) and skip it."""
        state = self.config.stash[SESSION]
        verdict = Verdict(str(Outcome.SKIPPED), False, False, why, skipped=True)
        records = not_run_records(
            self._described(), verdict, target=state.target_name, duration_ms=(time.perf_counter() - started) * 1000
        )
        keep(self, records, state)
        pytest.skip(why)

    def _finish(self, tallies: list[Tally], started: float, *, error: str | None = None) -> Verdict:
        """Judge the tallies, keep the item's records, and return how the item ends."""
        state = self.config.stash[SESSION]
        judged = judge_fuzz(self.name, tallies, evidence=state.evidence, expectations=state.expectations, error=error)
        records = fuzz_records(
            self._described(),
            tallies,
            judged.outcomes,
            verdict=judged.verdict,
            target=state.target_name,
            duration_ms=(time.perf_counter() - started) * 1000,
            report_dir=state.report_dir,
        )
        keep(self, records, state)
        return judged.verdict

    def _described(self) -> FuzzCheck:
        return FuzzCheck(self.name, self.check.name, self.check.operation, _rerun(self))

    def reportinfo(self) -> tuple[Path, int | None, str]:
        # Line 0, not None: Node.warn (the "cut short" warning) asserts that an item's location has a line.
        return self.path, 0, self.name
