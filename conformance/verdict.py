"""The verdict of an item of a run, a scenario or a fuzz check: its reported outcome, and whether it fails the run.

It combines three things the layers below keep apart: what ran (a scenario's result from
:mod:`conformance.scenario`, a fuzz check's tallies from :mod:`conformance.fuzz`), the evidence threshold
(``--evidence``) and the expectations file (:mod:`conformance.report.expectations`). Both kinds end in one
:class:`Verdict`; it has no pytest in it, so the CLI, benchmarks and tests can use it directly, and the pytest
items only map a verdict onto pass / fail / skip / xfail (:mod:`conformance.glue.items`). The records of an item
are built from its verdict by :mod:`conformance.item_records`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from conformance.model.vocabulary import EvidenceLevel, Outcome, level_of, worst
from conformance.report import records as rec
from conformance.report.expectations import Expectation, Expectations
from conformance.report.results import Results
from conformance.scenario.format import Scenario
from conformance.scenario.runner import ScenarioResult, format_failure

if TYPE_CHECKING:
    from conformance.fuzz.results import Tally

    pass

_FAILING = {Outcome.FAIL, Outcome.ERROR, Outcome.UNSUPPORTED, Outcome.XPASS}


@dataclass(frozen=True, slots=True)
class Verdict:
    """The final judgement of one scenario on one target."""

    outcome: str
    """What the reports show: PASS, FAIL, UNSUPPORTED, ERROR, XFAIL or XPASS."""
    failed: bool
    """True when this scenario fails the run (a regression, a stale or expired expectation)."""
    xfail: bool
    """True when it failed but does not fail the run (listed in the expectations, or below ``--evidence``)."""
    message: str
    expectation: Expectation | None = None
    skipped: bool = False
    """Not run, or nothing to run on (a fuzz check of an operation the target lacks): a pytest skip, never a PASS."""


def judge(
    scenario: Scenario,
    result: ScenarioResult | None,
    *,
    evidence: str,
    expectations: Expectations | None,
    error: str | None = None,
    today: dt.date | None = None,
) -> Verdict:
    """Decide the outcome of ``scenario`` from its result, the evidence threshold and the expectations."""
    level = EvidenceLevel(evidence)
    if result is None:
        actual, details = Outcome.ERROR, f"[ERROR] {error or 'the scenario did not run'}"
    else:
        actual = result.outcome_at(level)
        details = format_failure(result, level)
    if expectations is not None:
        verdict = expectations.judge(scenario.id, str(actual), today=today or dt.date.today())
        if verdict.outcome == Outcome.XFAIL:
            return Verdict(str(Outcome.XFAIL), False, True, verdict.message, verdict.expectation)
        if verdict.gating:
            message = verdict.message if actual == Outcome.PASS else f"{verdict.message}\n{details}"
            return Verdict(verdict.outcome, True, False, message, verdict.expectation)
    if actual in _FAILING:
        return Verdict(str(actual), True, False, details or f"[{actual}]")
    if result is not None and result.outcome != Outcome.PASS:
        # Failures exist, but all rest on weaker evidence than --evidence asks for: shown, not gating.
        below = format_failure(result, EvidenceLevel.INFERRED)
        note = f"failures below --evidence={level} (not gating):\n{below}"
        return Verdict(str(result.outcome), False, True, note)
    return Verdict(str(Outcome.PASS), False, False, "")


@dataclass(frozen=True, slots=True)
class FuzzVerdict:
    """The verdict of a fuzz item, and the outcome each of its tallies is reported with."""

    verdict: Verdict
    outcomes: tuple[str, ...]


_Judged = tuple[str, bool, str]
"""A tally's reported outcome, whether it fails the run, and why."""


def judge_fuzz(
    item_id: str,
    tallies: Sequence[Tally],
    *,
    evidence: str,
    expectations: Expectations | None,
    error: str | None = None,
    today: dt.date | None = None,
) -> FuzzVerdict:
    """Decide the outcome of the fuzz item ``item_id`` from its tallies, the evidence threshold and the expectations.

    Each tally is one check record; the item fails the run when one of them gates. UNSUPPORTED only says the
    operation left the fuzz set (the scenarios judge missing operations): an item of nothing but UNSUPPORTED
    tallies is skipped, never passed.
    """
    judged, stale = _judge_tallies(item_id, tallies, evidence, expectations, today or dt.date.today())
    outcomes = tuple(outcome for outcome, _, _ in judged)
    gating = [(t, message) for t, (_, gates, message) in zip(tallies, judged, strict=True) if gates]
    excused = [
        t
        for t, (outcome, gates, _) in zip(tallies, judged, strict=True)
        if not gates and (outcome != t.outcome or t.outcome in (Outcome.FAIL, Outcome.ERROR))
    ]
    if error is not None:
        verdict = Verdict(str(Outcome.ERROR), True, False, error)
    elif stale:
        verdict = Verdict(str(Outcome.XPASS), True, False, stale)
    elif gating:
        outcome = worst(o for o, g, _ in judged if g)
        verdict = Verdict(str(outcome), True, False, fuzz_failure_text(item_id, gating))
    elif excused:
        text = fuzz_failure_text(item_id, [(t, "") for t in excused])
        entry = expectations.lookup(item_id) if expectations is not None else None
        message = f"failures below --evidence or listed in the expectations:\n{text}"
        verdict = Verdict(str(Outcome.XFAIL), False, True, message, entry)
    elif tallies and all(t.outcome == Outcome.UNSUPPORTED for t in tallies):
        note = "; ".join(t.note for t in tallies if t.note)
        verdict = Verdict(str(Outcome.UNSUPPORTED), False, False, note, skipped=True)
    else:
        verdict = Verdict(str(Outcome.PASS), False, False, _summary(tallies))
    return FuzzVerdict(verdict, outcomes)


def _judge_tallies(
    item_id: str, tallies: Sequence[Tally], evidence: str, expectations: Expectations | None, today: dt.date
) -> tuple[list[_Judged], str]:
    """Apply the evidence threshold and the expectations to each tally; also returns a stale item entry's message.

    An expectations entry names one check record (``fuzz:negative:CreateCollaboration``, which for a per-operation
    check is also its item) or an item that covers several (``fuzz:stateful``, ``fuzz:model-drift``: what
    ``cleanrooms-conformance expectations --from`` writes for a failed item); an item entry applies to the item's
    failures that have no entry of their own, taken together.
    """
    judged: list[_Judged | None] = []
    pending: list[int] = []
    for index, tally in enumerate(tallies):
        if expectations is not None and expectations.lookup(tally.check_id) is not None:
            verdict = expectations.judge(tally.check_id, tally.outcome, today=today)
            judged.append((verdict.outcome, verdict.gating, verdict.message))
        elif tally.outcome in (Outcome.PASS, Outcome.UNSUPPORTED) or not _gates(tally, evidence):
            judged.append((tally.outcome, False, ""))
        else:
            judged.append(None)
            pending.append(index)
    stale = ""
    own = item_id in {t.check_id for t in tallies}  # a per-operation item: its entry is its tally's, judged above
    if expectations is not None and not own and expectations.lookup(item_id) is not None:
        outcome = str(worst(tallies[i].outcome for i in pending)) if pending else str(Outcome.PASS)
        verdict = expectations.judge(item_id, outcome, today=today)
        if not pending and verdict.gating:
            stale = verdict.message
        for index in pending:
            excused = verdict.outcome == Outcome.XFAIL
            judged[index] = (str(Outcome.XFAIL) if excused else tallies[index].outcome, verdict.gating, verdict.message)
    else:
        for index in pending:
            judged[index] = (tallies[index].outcome, True, "")
    return [j for j in judged if j is not None], stale


def _gates(tally: Tally, evidence: str) -> bool:
    # The level as the vocabulary's EvidenceLevel (a str): whether the fuzz layer types the threshold as its text or
    # as the enum, both compare it right. Any: the fuzz layer's own annotation of it is in flux (issue 13).
    return bool(cast(Any, tally).gates(level_of(evidence)))


def fuzz_failure_text(item_id: str, gating: Sequence[tuple[Tally, str]]) -> str:
    """What a failed fuzz item says: each failing operation, its findings and their reproducers."""
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


def _summary(tallies: Sequence[Tally]) -> str:
    ran = sum(t.variants for t in tallies)
    passed = sum(t.passed for t in tallies)
    unsupported = [t.operation for t in tallies if t.outcome == Outcome.UNSUPPORTED]
    text = f"{ran} variants over {len(tallies)} operation(s), {passed} passed"
    text += f"; not implemented: {', '.join(unsupported)}" if unsupported else ""
    cut = [cut_note(t) for t in tallies if cut_note(t)]
    return text + (f"; {cut[0]}" if cut else "")


def cut_note(tally: Tally) -> str:
    """The "cut short: ..." part of a tally's note ('' when its budget did not end it)."""
    return next((part for part in tally.note.split("; ") if part.startswith("cut short")), "")


def write_reports(
    directory: Path,
    run: rec.RunInfo,
    scenarios: Sequence[rec.ScenarioRecord],
    checks: Sequence[rec.CheckRecord],
    operations: Iterable[str],
    *,
    mask_accounts: bool = False,
) -> list[Path]:
    """Redact and write ``results.json`` and ``index.html`` for one run; returns the paths written."""
    # Imported here: the HTML layer (jinja2) is needed once, by the process that writes the report, not by every
    # xdist worker.
    from conformance.report.folder import write_report

    results = Results(run=run, scenarios=tuple(scenarios), checks=tuple(checks))
    return list(write_report(directory, results, operations=operations, mask_accounts=mask_accounts))
