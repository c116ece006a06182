"""pytest glue of the fuzz layer: options, the fuzz items beside the scenario library, their records.

Registered by ``conformance.plugin`` (``pytest_plugins = ["conformance.fuzz_plugin"]``). When a conformance run
collects the built-in scenario library, the library's ``model-checksums.json`` is collected as well and yields
the fuzz items, all marked ``fuzz`` (``-m fuzz`` runs only them, ``-m "not fuzz"`` leaves them out):

* ``fuzz:model-drift`` — collected only when the installed service model no longer matches the stored checksums
  (a check of the suite, not of the target: when nothing drifted there is no item, so no PASS a server that does
  nothing could earn);
* ``fuzz:stateful`` — the change-request state machine against the spec model;
* per operation, ``fuzz:<check>:<operation>`` (``fuzz:boundary:CreateCollaboration``) for the systematic
  generators (boundary, enum, optionals, negative, echo, actors), the Hypothesis properties (random-valid,
  random-invalid), schemathesis, and with ``--compare-target`` the differential check.

The operations are the suite's core ones (:data:`~conformance.fuzz.catalogue.CORE_OPERATIONS`, those in the model
at ``--api-version``) unless ``--fuzz-operation`` names others. Every item shares one campaign per process (the
support probe and the fixture pool are made once). Each item emits one report record per operation
(``fuzz:<check>:<operation>``, ``kind="fuzz"``) with the variant counts in ``request["fuzz"]``; failures leave
reproducer scenarios in ``<report dir>/reproducers``.

Time budgets (``--fuzz-profile``'s, or ``--fuzz-check-budget`` / ``--fuzz-run-budget``): a check stops when its
budget runs out and says how many variants ran; a check that would start after the run budget is spent is not run
(SKIPPED, with why). Hypothesis keeps its files (``.hypothesis``) under the report folder, or a temporary folder
without one, never in the current directory.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import pytest
from _pytest._code.code import TerminalRepr

from conformance import plugin
from conformance.fuzz import drift
from conformance.fuzz.catalogue import (
    CHECK_ORDER,
    CORE_OPERATIONS,
    MODULES,
    PER_OPERATION,
    PROFILES,
    PROPERTIES,
    STRATEGIES,
    item_name,
)
from conformance.fuzz.judge import Problem
from conformance.fuzz.results import Finding, Tally
from conformance.model.vocabulary import strongest, worst
from conformance.report import records as rec
from conformance.report.exchanges import request_mapping, response_mapping
from conformance.targets.errors import TargetError
from conformance.targets.running import RunningTarget, start_target
from conformance.targets.servers import MOTO_ACCOUNT_HEADER
from conformance.targets.spec import LimitOverrides, parse_target

if TYPE_CHECKING:
    # The modules that run the checks import Hypothesis, schemathesis and the generators (about a quarter of a
    # second in every process); each runner below imports what it needs when its check runs.
    from conformance.fuzz.campaign import Campaign
    from conformance.fuzz.profiles import Budget, Deadline

#: The file of the scenario library that carries the fuzz items (it holds the model checksums).
ANCHOR = drift.CHECKSUMS_FILE
T = TypeVar("T")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("cleanrooms-conformance", "AWS Clean Rooms conformance")
    group.addoption(
        "--fuzz-profile",
        default="quick",
        choices=PROFILES,
        help="fuzzing budget: quick (default, for CI) or thorough (nightly)",
    )
    group.addoption("--seed", default=None, type=int, help="make the fuzz checks' random choices repeatable")
    group.addoption(
        "--compare-target",
        default=None,
        help="also send the generated inputs to this target and report where the answers differ",
    )
    group.addoption(
        "--fuzz-operation",
        action="append",
        default=[],
        help="fuzz this operation (repeatable; default: the core collaboration and change-request operations)",
    )
    group.addoption(
        "--fuzz-check-budget",
        default=None,
        type=_seconds,
        metavar="SECONDS",
        help="time one fuzz check may take before it stops (default: quick 30, thorough 300; 0: no limit)",
    )
    group.addoption(
        "--fuzz-run-budget",
        default=None,
        type=_seconds,
        metavar="SECONDS",
        help="time the fuzz checks of a run may take together, per process; checks not started by then are not run"
        " (default: quick 300, thorough 3600; 0: no limit)",
    )
    group.addoption(
        "--fuzz-on-aws",
        action="store_true",
        default=False,
        help="allow the fuzz checks against --target=aws (they create many resources)",
    )


def _seconds(text: str) -> float:
    value = float(text)
    if not value >= 0:  # also refuses nan
        raise ValueError(text)
    return value


@dataclass(slots=True)
class FuzzState:
    """Per-process fuzz state: one campaign per target, the compare target when asked, the time spent."""

    campaigns: dict[int, Campaign] = field(default_factory=dict)
    """By ``id()`` of the running target (two targets may share a name: reference against reference)."""
    compare: RunningTarget | None = None
    compare_error: str | None = None
    spent: float = 0.0
    """Seconds the fuzz checks of this process have taken (against the run budget)."""
    hypothesis_home: Path | None = None
    """Where Hypothesis keeps its files in this run (set before the first check that uses it)."""
    temporary: Path | None = None
    """A folder made for them when the run writes no report (removed at the end)."""
    previous_home: Any = None


FUZZ = pytest.StashKey[FuzzState]()


def pytest_configure(config: pytest.Config) -> None:
    config.stash[FUZZ] = FuzzState()
    if config.option.fuzz_operation:
        from conformance.model.service import UnknownOperationError, operation

        for name in config.option.fuzz_operation:
            try:
                operation(name)
            except UnknownOperationError as exc:
                raise pytest.UsageError(f"--fuzz-operation: {exc}") from None


@pytest.hookimpl(trylast=True, specname="pytest_configure")  # after conformance.plugin has set SESSION
def pytest_configure_scheduling(config: pytest.Config) -> None:
    """Under ``-n`` with xdist's ``load`` scheduling, hand items out one at a time (``--maxschedchunk 1``).

    ``load`` sends each worker a first chunk of a quarter of its share (14 items of 114 with two workers) and
    refills in chunks; two long fuzz checks in one chunk run one after the other while the other worker runs
    out of work. One at a time (with one queued per worker), the longest-first order of :func:`spread` is kept.
    Only when the user chose no ``--maxschedchunk`` and no other ``--dist``; results do not depend on it.
    Measured (whole run, reference emulator, ``-n 2``): 1.55x -> 1.7-1.9x faster than serial.
    """
    session = config.stash.get(plugin.SESSION, None)
    option = config.option
    if session is None or not session.active or hasattr(config, "workerinput"):
        return
    if getattr(option, "dist", "no") == "load" and getattr(option, "maxschedchunk", 0) is None:
        option.maxschedchunk = 1


@pytest.hookimpl(tryfirst=True)  # before conformance.plugin closes the target
def pytest_sessionfinish(session: pytest.Session) -> None:
    state = session.config.stash.get(FUZZ, None)
    if state is None:
        return
    # What the campaigns still hold is deleted, so a long-lived target does not keep a collaboration per run
    # (a target's answer, even an error, is returned by the call, never raised).
    for campaign in state.campaigns.values():
        campaign.close()
    state.campaigns.clear()


def pytest_unconfigure(config: pytest.Config) -> None:
    state = config.stash.get(FUZZ, None)
    if state is None:
        return
    if state.compare is not None:
        state.compare.close()
        state.compare = None
    if state.hypothesis_home is not None:
        from hypothesis import configuration

        configuration.set_hypothesis_home_dir(state.previous_home)
        state.hypothesis_home = None
    if state.temporary is not None:
        shutil.rmtree(state.temporary, ignore_errors=True)
        state.temporary = None


def _hypothesis_home(item: pytest.Item) -> None:
    """Point Hypothesis' files (example database, Unicode tables) at the report folder, or a temporary one.

    Hypothesis writes them under ``.hypothesis`` in the current directory unless told otherwise: its Unicode
    character tables whenever a strategy draws text, and its example database when a settings object leaves the
    default one. Set once per process, before the first check that imports Hypothesis; undone at the end.
    """
    state = item.config.stash[FUZZ]
    if state.hypothesis_home is not None:
        return
    from hypothesis import configuration

    session = item.config.stash[plugin.SESSION]
    if session.report_dir is not None:
        home = session.report_dir / ".hypothesis"
    else:
        state.temporary = Path(tempfile.mkdtemp(prefix="cleanrooms-hypothesis-"))
        home = state.temporary
    state.previous_home = getattr(configuration, "__hypothesis_home_directory", None)
    configuration.set_hypothesis_home_dir(home)
    state.hypothesis_home = home


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if file_path.name != ANCHOR:
        return None
    session = parent.config.stash[plugin.SESSION]
    if not session.active or not session.roots or file_path.resolve().parent != session.roots[0]:
        return None  # only the built-in library's copy; other --scenarios folders hold no fuzz items
    collector: FuzzFile = FuzzFile.from_parent(parent, path=file_path)
    return collector


@dataclass(frozen=True, slots=True)
class Check:
    """One fuzz item: the check, the operation it runs on (for the per-operation checks), and how it runs."""

    name: str
    operation: str | None = None
    needs_target: bool = True

    @property
    def item_name(self) -> str:
        return item_name(self.name, self.operation)


def fuzz_operations(config: pytest.Config) -> tuple[str, ...]:
    """The operations the per-operation checks run on: ``--fuzz-operation``'s, else the core ones at the release.

    A named operation the target (or the release) lacks still gets its items; they end UNSUPPORTED, saying why.
    """
    chosen: list[str] = config.option.fuzz_operation
    if chosen:
        return tuple(dict.fromkeys(chosen))
    from conformance.model.releases import ModelAt

    at = ModelAt(config.stash[plugin.SESSION].api_version)
    return tuple(op for op in CORE_OPERATIONS if at.has_operation(op))


def checks(config: pytest.Config) -> list[Check]:
    """Every fuzz item of the run, in :data:`CHECK_ORDER` (longest first), each check over its operations."""
    names = [*CHECK_ORDER, *(["differential"] if config.option.compare_target else [])]
    operations = fuzz_operations(config)
    empty = _nothing_to_vary(config, operations)
    found: list[Check] = []
    for name in names:
        if name in PER_OPERATION:
            found += [Check(name, op) for op in operations if (name, op) not in empty]
        elif name == "model-drift":
            if _model_drifted():
                found.append(Check(name, needs_target=False))
        else:
            found.append(Check(name))
    return found


def _model_drifted() -> bool:
    """Whether the installed model changed an operation since the stored checksums (or they cannot be read)."""
    try:
        from conformance.scenario.library import builtin_dir

        stored = drift.load(builtin_dir() / drift.CHECKSUMS_FILE)
    except ValueError:
        return True
    return bool(drift.compare(stored).breaking)


def _nothing_to_vary(config: pytest.Config, operations: Sequence[str]) -> frozenset[tuple[str, str]]:
    """The (systematic strategy, operation) pairs with no variant at all: enum on GetCollaboration, and so on.

    Such a pair is no check of the operation, so it gets no item (a row could only say "nothing ran", and 21 of
    them read like 21 unsupported operations). The variants are generated once per process and cached (0.2 s
    for all); a run that deselects the fuzz checks does not pay for it. Generating draws text, so Hypothesis'
    home is pointed at a temporary folder meanwhile: collection writes nothing in the current directory or the
    report folder (``--collect-only`` writes nothing at all).
    """
    markexpr = str(getattr(config.option, "markexpr", "") or "").replace(" ", "")
    if markexpr == "notfuzz":
        return frozenset()
    from hypothesis import configuration

    from conformance.fuzz.systematic import generate
    from conformance.model.releases import ModelAt

    at = ModelAt(config.stash[plugin.SESSION].api_version)
    wanted = [op for op in operations if at.has_operation(op)]
    previous = getattr(configuration, "__hypothesis_home_directory", None)
    with tempfile.TemporaryDirectory(prefix="cleanrooms-collect-") as home:
        configuration.set_hypothesis_home_dir(home)
        try:
            generated = {(name, op): generate(name, op, at) for name in STRATEGIES for op in wanted}
        finally:
            configuration.set_hypothesis_home_dir(previous)
    return frozenset(pair for pair, g in generated.items() if not g.variants and not g.dropped)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under xdist, spread the fuzz items evenly through the collection, longest first (the same in every worker).

    They hold nearly all of a run's time, and a few of them most of it. xdist hands each worker contiguous
    slices of the collection; at the end of it, all of them would land in one worker's slice (with ``--dist load``'s
    first chunks of 14 items, one worker ran every fuzz check while the other ran scenarios: ``-n 2`` was slower
    than serial). Spread out, every slice holds one or two, the long ones start at once and the scenarios fill
    the gaps. A serial run keeps the scenarios first: their results come in seconds. (The scenarios page through
    account-wide lists, so running after fuzz checks on the same emulator does not change their outcome.)
    """
    if not hasattr(config, "workerinput"):
        return
    fuzz: list[pytest.Item] = [item for item in items if isinstance(item, FuzzItem)]
    if fuzz:
        items[:] = spread(fuzz, [item for item in items if not isinstance(item, FuzzItem)])


def spread(few: Sequence[T], many: Sequence[T]) -> list[T]:
    """``few`` placed at even intervals among ``many`` (the first at the front), both in their own order."""
    out: list[T] = []
    step = (len(few) + len(many)) / len(few) if few else 0.0
    rest = iter(many)
    for index, item in enumerate(few):
        while len(out) < round(index * step):
            out.append(next(rest))
        out.append(item)
    out.extend(rest)
    return out


class FuzzFile(pytest.File):
    """The library's checksums file: yields one item per fuzz check."""

    def collect(self) -> Iterator[pytest.Item]:
        for check in checks(self.config):
            item: FuzzItem = FuzzItem.from_parent(self, name=check.item_name, check=check)
            yield item


@dataclass(frozen=True, slots=True)
class ItemVerdict:
    """How a fuzz item ends: its reported outcome, the text shown, and the pytest result."""

    outcome: str
    message: str
    failed: bool = False
    xfail: bool = False
    skipped: bool = False
    """Not run, or nothing to run on (the operation is not implemented): a pytest skip, never a PASS."""


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


class FuzzFailure(plugin.ItemFailure):
    """A fuzz item that found something (the message lists it)."""


class FuzzItem(pytest.Item):
    """One fuzz check against the session's target."""

    def __init__(self, *, check: Check, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.check = check
        self.add_marker(pytest.mark.fuzz)

    def runtest(self) -> None:
        config = self.config
        session = config.stash[plugin.SESSION]
        state = config.stash[FUZZ]
        started = time.perf_counter()
        if self.check.needs_target:
            limits = _limits(self)
            remaining = limits.run - state.spent if limits.run else None
            if remaining is not None and remaining <= 0:
                why = f"not run: the run budget of {limits.run:g} s (--fuzz-run-budget) was spent before it started"
                self._not_run(why, started)
                pytest.skip(why)
            try:
                target = session.target()
            except TargetError as exc:
                self._finish([], started, error=f"target could not be started: {exc}")
                raise FuzzFailure(f"[ERROR] target could not be started: {exc}") from None
            if target.spec.kind == "aws" and not config.option.fuzz_on_aws:
                pytest.skip("fuzzing real AWS creates many resources; pass --fuzz-on-aws to allow it")
            _hypothesis_home(self)
            from conformance.fuzz import profiles

            limit = _deadline(limits, remaining, started)
            try:
                with profiles.deadline(limit):
                    tallies = _RUNNERS[self.check.name](self, target)
            finally:
                state.spent += time.perf_counter() - started
            if limit.hit:
                tallies = [_cut_short(t, limit) for t in tallies]
                if tallies and all(t.variants == 0 and _cut_note(t) for t in tallies):
                    # Its budget ended it before one variant: it was not run, as for a check never started.
                    why = f"not run: {_cut_note(tallies[0])}"
                    self._not_run(why, started)
                    pytest.skip(why)
        else:
            tallies = _drift(self)
        verdict = self._finish(tallies, started)
        cut = [_cut_note(t) for t in tallies if _cut_note(t)]
        if cut:  # shown in the warnings summary: a check that passed what it ran did not run everything
            self.warn(pytest.PytestWarning(f"{self.name}: {cut[0]}"))
        if verdict.failed:
            raise FuzzFailure(verdict.message)
        if verdict.xfail:
            plugin.xfail(verdict.message)
        if verdict.skipped:
            pytest.skip(verdict.message)

    def _not_run(self, why: str, started: float) -> None:
        """Store the records of a check that was not run: SKIPPED, saying why (never a PASS)."""
        session = self.config.stash[plugin.SESSION]
        target_name = session.spec.name if session.spec else ""
        check = self.check
        records = []
        if check.operation is not None:
            counts = {"variants": 0, "passed": 0, "failed": 0, "errors": 0, "skipped": 0, "dropped": 0}
            record = rec.CheckRecord(
                check_id=self.name,
                scenario_id=self.name,
                target=target_name,
                outcome="SKIPPED",
                kind="fuzz",
                step_name=check.name,
                file=MODULES.get(check.name, "fuzz"),
                operation=check.operation,
                request={"params": None, "fuzz": {"strategy": check.name, **counts, "duration_s": 0.0, "note": why}},
                diff=why,
            )
            records.append(rec.to_dict(record))
        self._keep_records(ItemVerdict("SKIPPED", why, skipped=True), records, started)

    def _finish(self, tallies: list[Tally], started: float, *, error: str | None = None) -> ItemVerdict:
        """Store the item's report records and decide how the item ends."""
        session = self.config.stash[plugin.SESSION]
        target_name = session.spec.name if session.spec else ""
        judged, stale = _judge_all(session, self.name, tallies)
        records = [
            _record(t, outcome, target_name, self.name, session.report_dir)
            for t, (outcome, _, _) in zip(tallies, judged, strict=True)
        ]
        gating = [(t, message) for t, (_, gates, message) in zip(tallies, judged, strict=True) if gates]
        excused = [
            t
            for t, (outcome, gates, _) in zip(tallies, judged, strict=True)
            if not gates and (outcome != t.outcome or t.outcome in ("FAIL", "ERROR"))
        ]
        if error is not None:
            verdict = ItemVerdict("ERROR", error, failed=True)
        elif stale:
            verdict = ItemVerdict("XPASS", stale, failed=True)
        elif gating:
            verdict = ItemVerdict(
                str(worst([o for o, g, _ in judged if g])), _failure_text(self.name, gating), failed=True
            )
        elif excused:
            message = "failures below --evidence or listed in the expectations:\n" + _failure_text(
                self.name, [(t, "") for t in excused]
            )
            verdict = ItemVerdict("XFAIL", message, xfail=True)
        elif tallies and all(t.outcome == "UNSUPPORTED" for t in tallies):
            # Nothing to fuzz: the operation left the fuzz set (the scenarios judge missing operations).
            verdict = ItemVerdict("UNSUPPORTED", "; ".join(t.note for t in tallies if t.note), skipped=True)
        else:
            verdict = ItemVerdict("PASS", _summary(tallies))
        self._keep_records(verdict, records, started)
        return verdict

    def _keep_records(self, verdict: ItemVerdict, records: list[dict[str, Any]], started: float) -> None:
        session = self.config.stash[plugin.SESSION]
        check = self.check
        title = f"fuzz check {check.name}" + (f" on {check.operation}" if check.operation else "")
        scenario = rec.ScenarioRecord(
            scenario_id=self.name,
            title=title,
            target=session.spec.name if session.spec else "",
            outcome=verdict.outcome,
            file=MODULES.get(check.name, "fuzz"),  # where the check is made (the anchor file only carries it)
            tags=("fuzz", check.name, *((check.operation,) if check.operation else ())),
            message=verdict.message,
            rerun=_rerun(self),
            duration_ms=(time.perf_counter() - started) * 1000,
            expectation=self._expectation(verdict),
        )
        self.stash[plugin.RECORDS] = (rec.to_dict(scenario), records)

    def _expectation(self, verdict: ItemVerdict) -> dict[str, Any] | None:
        """The expectations entry behind an XFAIL item (``expectations --from`` keeps its outcome and reason)."""
        expectations = self.config.stash[plugin.SESSION].expectations
        if verdict.outcome != "XFAIL" or expectations is None:
            return None
        entry = expectations.lookup(self.name)
        return entry.to_dict() if entry is not None else None

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str | TerminalRepr:
        if isinstance(excinfo.value, FuzzFailure):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        # Line 0, not None: Node.warn (the "cut short" warning) asserts that an item's location has a line.
        return self.path, 0, self.name


# --- running the checks -----------------------------------------------------------------------------------------


def _campaign(item: FuzzItem, target: RunningTarget) -> Campaign:
    state = item.config.stash[FUZZ]
    found = state.campaigns.get(id(target))
    if found is None:
        from conformance.fuzz.campaign import Campaign
        from conformance.model.releases import ModelAt

        session = item.config.stash[plugin.SESSION]
        reproducers = session.report_dir / "reproducers" if session.report_dir is not None else None
        found = Campaign(
            target,
            target.accounts,
            region=target.spec.region,
            reproducers=reproducers,
            operations=fuzz_operations(item.config),
            at=ModelAt(session.api_version),  # --api-version: generate from the model of that release
        )
        state.campaigns[id(target)] = found
    return found


def _budget(item: FuzzItem) -> Budget:
    from conformance.fuzz.profiles import budget

    return budget(item.config.option.fuzz_profile)


@dataclass(frozen=True, slots=True)
class Limits:
    """The time budgets in force (seconds; 0 is no limit)."""

    check: float
    run: float


def _limits(item: FuzzItem) -> Limits:
    option = item.config.option
    chosen = _budget(item)
    check = option.fuzz_check_budget if option.fuzz_check_budget is not None else chosen.check_seconds
    run = option.fuzz_run_budget if option.fuzz_run_budget is not None else chosen.run_seconds
    return Limits(check, run)


def _deadline(limits: Limits, remaining: float | None, started: float) -> Deadline:
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


def _cut_short(tally: Tally, limit: Deadline) -> Tally:
    """A tally of a check its budget ended, saying so (unless the check said it already)."""
    from dataclasses import replace

    from conformance.fuzz.campaign import cut_short

    if _cut_note(tally) or tally.outcome == "UNSUPPORTED":
        return tally
    return replace(tally, note="; ".join(filter(None, [cut_short(limit, tally.variants), tally.note])))


def _scope(item: FuzzItem, campaign: Campaign) -> tuple[list[str], list[Tally]]:
    """The operations this item runs on, and an UNSUPPORTED tally for its operation when the target lacks it."""
    from conformance.fuzz.campaign import unsupported_tally

    check = item.check
    if check.operation is None:
        return list(campaign.operations()), []
    if check.operation in campaign.operations():
        return [check.operation], []
    why = campaign.support().unsupported.get(check.operation, "it was left out of the fuzz set")
    return [], [unsupported_tally(check.name, check.operation, why)]


def _settings(item: FuzzItem, examples: int) -> Any:
    from conformance.fuzz.profiles import hypothesis_settings

    session = item.config.stash[plugin.SESSION]
    return hypothesis_settings(
        _budget(item), examples=examples, seed=item.config.option.seed, report_dir=session.report_dir
    )


def _systematic(name: str) -> Callable[[FuzzItem, RunningTarget], list[Tally]]:
    def run(item: FuzzItem, target: RunningTarget) -> list[Tally]:
        campaign = _campaign(item, target)
        operations, unsupported = _scope(item, campaign)
        return unsupported + (campaign.systematic(name, operations) if operations else [])

    return run


def _property(name: str) -> Callable[[FuzzItem, RunningTarget], list[Tally]]:
    def run(item: FuzzItem, target: RunningTarget) -> list[Tally]:
        from conformance.fuzz.properties import run_property

        campaign = _campaign(item, target)
        operations, unsupported = _scope(item, campaign)
        chosen = _budget(item)
        settings = _settings(item, chosen.property_examples)
        seed = item.config.option.seed
        return unsupported + [
            run_property(campaign, name, op, settings, seed, shrink_seconds=chosen.shrink_seconds) for op in operations
        ]

    return run


def _stateful(item: FuzzItem, target: RunningTarget) -> list[Tally]:
    from conformance.fuzz.machine import run_machine

    chosen = _budget(item)
    settings = _settings(item, chosen.machine_examples)
    return [
        run_machine(_campaign(item, target), settings, item.config.option.seed, shrink_seconds=chosen.shrink_seconds)
    ]


def _schemathesis(item: FuzzItem, target: RunningTarget) -> list[Tally]:
    from conformance.fuzz.schemathesis_run import Signing, run_schemathesis

    chosen = _budget(item)
    campaign = _campaign(item, target)
    operations, unsupported = _scope(item, campaign)
    if not operations:
        return unsupported
    from conformance.fuzz.seeds import seed_for

    tallies: list[Tally] = []
    for operation in operations:
        # Each operation as its standing caller (CreateMembership is the invitee's): a refusal of valid data then
        # means something, and an implementation that refuses everything cannot pass.
        actor = seed_for(operation, campaign.at).actor
        client = target.client(actor)
        credentials = client._get_credentials()  # botocore keeps a client's credentials private; its accessor
        extra = {MOTO_ACCOUNT_HEADER: target.account_id(actor)} if target.spec.kind == "moto" else {}
        tallies += run_schemathesis(
            campaign,
            endpoint_url=target.endpoint_url,
            signing=Signing(credentials, target.spec.region, extra),
            settings=_settings(item, chosen.schemathesis_examples),
            seed=item.config.option.seed,
            shrink_seconds=chosen.shrink_seconds,
            actor=actor,
            operations=[operation],
        )
    return tallies


def _differential(item: FuzzItem, target: RunningTarget) -> list[Tally]:
    from conformance.fuzz import differential
    from conformance.fuzz.systematic import generate

    other = _compare_target(item)
    first, second = _campaign(item, target), _campaign(item, other)
    operations, unsupported = _scope(item, first)
    from conformance.fuzz.campaign import unsupported_tally

    theirs = set(second.operations())
    both = [op for op in operations if op in theirs]
    names = (target.spec.name, other.spec.name)
    tallies = list(unsupported)
    for op in operations:
        if op not in theirs:  # nothing to compare: said so, not a vacuous PASS
            why = second.support().unsupported.get(op, "it was left out of the fuzz set")
            tallies.append(unsupported_tally("differential", op, f"{why} (on --compare-target {other.spec.name})"))
    for op in both:
        variants = [
            v
            for strategy in ("boundary", "enum", "optionals", "negative")
            for v in generate(strategy, op, first.at).variants
        ]
        tallies.append(differential.compare(first, second, op, variants, _normaliser, names=names))
    return tallies


def _compare_target(item: FuzzItem) -> RunningTarget:
    state = item.config.stash[FUZZ]
    if state.compare_error is not None:
        raise TargetError(state.compare_error)
    if state.compare is None:
        option = item.config.option
        try:
            spec = parse_target(
                option.compare_target,
                config_file=option.target_config,
                region=option.region,
                timeouts=LimitOverrides(
                    option.connect_timeout, option.read_timeout, option.call_deadline, option.max_response_bytes
                ),
                allow_accounts=option.allow_account,
            )
            state.compare = start_target(spec)
        except TargetError as exc:
            state.compare_error = f"--compare-target: {exc}"
            raise TargetError(state.compare_error) from None
    return state.compare


def _normaliser(accounts: Mapping[str, str]) -> Callable[[Any], Any]:
    from conformance.report.normalise import PlaceholderMap, normalise_response

    placeholders = PlaceholderMap(accounts=accounts)
    return lambda body: normalise_response(body, placeholders=placeholders)


def _drift(item: FuzzItem) -> list[Tally]:
    started = time.perf_counter()
    try:
        stored = drift.load(item.path)
    except ValueError as exc:
        return [Tally("model-drift", "all-operations", "ERROR", note=str(exc))]
    found = drift.compare(stored)
    current = drift.checksums()
    if not found.breaking:
        note = f"documentation changed: {', '.join(found.docs_changed)}" if found.docs_changed else ""
        if found.added:
            note = "; ".join(filter(None, [note, f"new operations: {', '.join(found.added)}"]))
        return [
            Tally(
                "model-drift",
                "all-operations",
                "PASS",
                variants=len(current),
                passed=len(current),
                note=note,
                duration_s=time.perf_counter() - started,
            )
        ]
    session = item.config.stash[plugin.SESSION]
    files = sorted({p for root in session.roots if root.is_dir() for p in root.rglob("*.y*ml")})
    callers = drift.scenarios_calling([*found.changed, *found.removed], files)
    text = drift.report(found, callers)
    return [
        Tally(
            "model-drift",
            op,
            "FAIL",
            variants=1,
            failed=1,
            note=text,
            findings=(_drift_finding(op, callers.get(op, [])),),
        )
        for op in (*found.changed, *found.removed)
    ]


def _drift_finding(op: str, files: list[Path]) -> Finding:
    review = ", ".join(str(f) for f in files) or "no scenario calls it"
    problem = Problem("model-drift", f"{op} changed in the service model; review: {review}")
    return Finding(label=f"{op} changed", problems=(problem,))


_RUNNERS: dict[str, Callable[[FuzzItem, RunningTarget], list[Tally]]] = {
    **{name: _systematic(name) for name in STRATEGIES},
    **{name: _property(name) for name in PROPERTIES},
    "stateful": _stateful,
    "schemathesis": _schemathesis,
    "differential": _differential,
}


# --- records and verdicts -----------------------------------------------------------------------------------------


Judged = tuple[str, bool, str]
"""A tally's reported outcome, whether it fails the run, and why."""


def _judge_all(session: Any, item_id: str, tallies: list[Tally]) -> tuple[list[Judged], str]:
    """Apply the evidence threshold and the expectations; also returns a stale item-level entry's message.

    An expectations entry names one check record (``fuzz:negative:CreateCollaboration``, which for a per-operation
    check is also its item) or an item that covers several (``fuzz:stateful``, ``fuzz:model-drift``: what
    ``cleanrooms-conformance expectations --from`` writes for a failed item); an item entry applies to the item's
    failures that have no entry of their own, taken together.
    """
    expectations = session.expectations
    today = dt.date.today()
    judged: list[Judged | None] = []
    pending: list[int] = []
    for index, tally in enumerate(tallies):
        if expectations is not None and expectations.lookup(tally.check_id) is not None:
            verdict = expectations.judge(tally.check_id, tally.outcome, today=today)
            judged.append((verdict.outcome, verdict.gating, verdict.message))
        elif tally.outcome in ("PASS", "UNSUPPORTED") or not tally.gates(session.evidence):
            # UNSUPPORTED only says the operation left the fuzz set; the scenarios judge missing operations.
            judged.append((tally.outcome, False, ""))
        else:
            judged.append(None)
            pending.append(index)
    stale = ""
    own = item_id in {t.check_id for t in tallies}  # a per-operation item: its entry is its tally's, judged above
    if expectations is not None and not own and expectations.lookup(item_id) is not None:
        outcome = str(worst([tallies[i].outcome for i in pending])) if pending else "PASS"
        verdict = expectations.judge(item_id, outcome, today=today)
        if not pending and verdict.gating:
            stale = verdict.message
        for index in pending:
            excused = verdict.outcome == "XFAIL"
            judged[index] = ("XFAIL" if excused else tallies[index].outcome, verdict.gating, verdict.message)
    else:
        for index in pending:
            judged[index] = (tallies[index].outcome, True, "")
    return [j for j in judged if j is not None], stale


def _relative(path: str | None, report_dir: Path | None) -> str | None:
    """A reproducer's path as reports show it: relative to the report folder (a report may be moved)."""
    if path is None or report_dir is None:
        return path
    try:
        return str(Path(path).relative_to(report_dir))
    except ValueError:
        return path


def _record(tally: Tally, outcome: str, target: str, item_id: str, report_dir: Path | None = None) -> dict[str, Any]:
    first = tally.findings[0] if tally.findings else None
    request: dict[str, Any] = {"params": None}
    response = None
    if first is not None:
        request = request_mapping(first.params or None, first.exchange)
        response = response_mapping(first.exchange)
    reproducers = [str(_relative(f.reproducer, report_dir)) for f in tally.findings if f.reproducer]
    request["fuzz"] = {
        "strategy": tally.strategy,
        **tally.counts(),
        "duration_s": round(tally.duration_s, 3),
        "note": tally.note,
        "reproducers": reproducers,
        "curl": [_relative(f.curl, report_dir) for f in tally.findings if f.curl],
    }
    failures = tuple(
        rec.FailureRecord(
            kind="fuzz",
            message=f"{finding.label}: {problem.message}",
            path=problem.path,
            evidence_level=problem.level,
            evidence_source=problem.source,
        )
        for finding in tally.findings
        for problem in finding.problems
    )
    levels = [f.evidence_level for f in failures]
    record = rec.CheckRecord(
        check_id=tally.check_id,
        scenario_id=item_id,
        target=target,
        outcome=outcome,
        kind="fuzz",
        step_name=tally.strategy,
        file=reproducers[0] if reproducers else MODULES.get(tally.strategy, "fuzz"),
        operation=tally.operation if tally.operation in _operations() else None,
        actor=first.actor or None if first is not None else None,
        evidence_level=str(strongest(levels)),
        failures=failures,
        request=request,
        response=response,
        diff=_diff(tally) or None,
        duration_ms=tally.duration_s * 1000,
    )
    return rec.to_dict(record)


def _operations() -> frozenset[str]:
    from conformance.model.service import operation_names

    return frozenset(operation_names())


def _diff(tally: Tally) -> str:
    lines = [
        f"{tally.variants} variants, {tally.passed} passed, {tally.failed} failed"
        + (f"; {tally.note}" if tally.note else "")
    ]
    for finding in tally.findings:
        lines.append(f"- {finding.label}")
        lines += [f"    {problem}" for problem in finding.problems]
        if finding.reproducer:
            lines.append(f"    reproducer: {finding.reproducer}")
    return "\n".join(lines)


def _failure_text(item_id: str, gating: list[tuple[Tally, str]]) -> str:
    if not gating:
        return ""
    lines = [f"{item_id}: {len(gating)} operation(s) failed"]
    for tally, message in gating:
        lines.append(f"{tally.check_id}: {tally.outcome} ({tally.failed} of {tally.variants} variants failed)")
        if message:
            lines.append(f"  {message}")
        if tally.note:
            lines.append(f"  note: {tally.note}")
        for finding in tally.findings:
            lines.append(f"  - {finding.label}")
            lines += [f"      {problem}" for problem in finding.problems[:4]]
            if finding.reproducer:
                lines.append(f"      reproducer: {finding.reproducer}")
            if finding.curl:
                lines.append(f"      curl: {finding.curl}")
    return "\n".join(lines)


def _summary(tallies: list[Tally]) -> str:
    ran = sum(t.variants for t in tallies)
    passed = sum(t.passed for t in tallies)
    unsupported = [t.operation for t in tallies if t.outcome == "UNSUPPORTED"]
    text = f"{ran} variants over {len(tallies)} operation(s), {passed} passed"
    text += f"; not implemented: {', '.join(unsupported)}" if unsupported else ""
    cut = [_cut_note(t) for t in tallies if _cut_note(t)]
    return text + (f"; {cut[0]}" if cut else "")


def _cut_note(tally: Tally) -> str:
    """The "cut short: ..." part of a tally's note ('' when its budget did not end it)."""
    return next((part for part in tally.note.split("; ") if part.startswith("cut short")), "")
