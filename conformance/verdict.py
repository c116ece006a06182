"""The verdict of an item of a run, a scenario or a fuzz check: its reported outcome, and whether it fails the run.

It combines three things the layers below keep apart: what ran (a scenario's result from
:mod:`conformance.scenario`, a fuzz check's tallies from :mod:`conformance.fuzz`), the evidence threshold
(``--evidence``) and the expectations file (:mod:`conformance.report.expectations`). Both kinds are judged by one
function, :func:`judge_parts` (a scenario is one part, a fuzz check one part per tally), and end in one
:class:`Verdict`. No pytest here, so the CLI, benchmarks and tests can use it directly; the pytest items only map
a verdict onto pass / fail / skip / xfail (:mod:`conformance.glue.items`), and the records of an item are built
from its verdict by :mod:`conformance.item_records`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from conformance.model.vocabulary import EvidenceLevel, Outcome, level_of, worst
from conformance.report.expectations import Expectation, Expectations
from conformance.scenario.failure_text import format_failure
from conformance.scenario.format import Scenario
from conformance.scenario.runner import ScenarioResult

if TYPE_CHECKING:
    from conformance.fuzz.results import Tally


@dataclass(frozen=True, slots=True)
class Verdict:
    """The final judgement of one item (a scenario, a fuzz check) on one target."""

    outcome: str
    """What the reports show: PASS, FAIL, UNSUPPORTED, ERROR, XFAIL, XPASS or SKIPPED."""
    failed: bool
    """True when this item fails the run (a regression, a stale or expired expectation)."""
    xfail: bool
    """True when it failed but does not fail the run (listed in the expectations, or below ``--evidence``)."""
    message: str
    expectation: Expectation | None = None
    skipped: bool = False
    """Not run, or nothing to run on (a fuzz check of an operation the target lacks): a pytest skip, never a PASS."""


@dataclass(frozen=True, slots=True)
class Part:
    """One judged piece of an item: a scenario as a whole, or one tally (check record) of a fuzz check."""

    check_id: str
    outcome: str
    """What happened: PASS, FAIL, ERROR or UNSUPPORTED."""
    gates: bool = True
    """Whether its failures rest on evidence at ``--evidence`` or stronger."""


@dataclass(frozen=True, slots=True)
class PartVerdict:
    """A part's reported outcome, whether it fails the run, why, and the expectations entry that applied."""

    outcome: str
    gating: bool
    message: str = ""
    expectation: Expectation | None = None


def judge_parts(
    item_id: str,
    parts: Sequence[Part],
    *,
    expectations: Expectations | None,
    today: dt.date,
    unsupported_gates: bool,
) -> tuple[list[PartVerdict], str]:
    """Apply the evidence threshold and the expectations to each part; also returns a stale item entry's message.

    An expectations entry names one part (a scenario; ``fuzz:negative:CreateCollaboration``, which for a
    per-operation fuzz check is also its item) or an item that covers several (``fuzz:stateful``,
    ``fuzz:model-drift``: what ``cleanrooms-conformance expectations --from`` writes for a failed item); an item
    entry applies to the item's failures that have no entry of their own, taken together. ``unsupported_gates``:
    whether UNSUPPORTED fails the run (for a scenario; a fuzz check's only says its operation left the fuzz set).
    """
    judged: list[PartVerdict | None] = []
    pending: list[int] = []
    for index, part in enumerate(parts):
        if expectations is not None and expectations.lookup(part.check_id) is not None:
            found = expectations.judge(part.check_id, part.outcome, today=today)
            judged.append(PartVerdict(found.outcome, found.gating, found.message, found.expectation))
        elif (
            part.outcome == Outcome.PASS
            or (part.outcome == Outcome.UNSUPPORTED and not unsupported_gates)
            or not part.gates
        ):
            judged.append(PartVerdict(part.outcome, False))
        else:
            judged.append(None)
            pending.append(index)
    stale = ""
    own = item_id in {p.check_id for p in parts}  # the item is one of its parts: its entry was applied above
    if expectations is not None and not own and expectations.lookup(item_id) is not None:
        outcome = str(worst(parts[i].outcome for i in pending)) if pending else str(Outcome.PASS)
        found = expectations.judge(item_id, outcome, today=today)
        if not pending and found.gating:
            stale = found.message
        for index in pending:
            excused = found.outcome == Outcome.XFAIL
            reported = str(Outcome.XFAIL) if excused else parts[index].outcome
            judged[index] = PartVerdict(reported, found.gating, found.message, found.expectation)
    else:
        for index in pending:
            judged[index] = PartVerdict(parts[index].outcome, True)
    return [j for j in judged if j is not None], stale


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
        actual = result.outcome_at(level)  # failures below --evidence leave it PASS here
        details = format_failure(result, level)
    ((part,), _) = judge_parts(
        scenario.id,
        [Part(scenario.id, str(actual))],
        expectations=expectations,
        today=today or dt.date.today(),
        unsupported_gates=True,
    )
    if part.outcome == Outcome.XFAIL:
        return Verdict(str(Outcome.XFAIL), False, True, part.message, part.expectation)
    if part.gating:
        message = "\n".join(filter(None, [part.message, details if actual != Outcome.PASS else ""]))
        return Verdict(part.outcome, True, False, message or f"[{actual}]", part.expectation)
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

    Each tally is one part (one check record); the item fails the run when one of them gates. An item of nothing
    but UNSUPPORTED tallies is skipped, never passed (the scenarios judge missing operations).
    """
    parts = [Part(t.check_id, t.outcome, _gates(t, evidence)) for t in tallies]
    judged, stale = judge_parts(
        item_id, parts, expectations=expectations, today=today or dt.date.today(), unsupported_gates=False
    )
    gating = [(t, j.message) for t, j in zip(tallies, judged, strict=True) if j.gating]
    excused = [
        t
        for t, j in zip(tallies, judged, strict=True)
        if not j.gating and (j.outcome != t.outcome or t.outcome in (Outcome.FAIL, Outcome.ERROR))
    ]
    if error is not None:
        verdict = Verdict(str(Outcome.ERROR), True, False, error)
    elif stale:
        verdict = Verdict(str(Outcome.XPASS), True, False, stale)
    elif gating:
        outcome = worst(j.outcome for j in judged if j.gating)
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
    return FuzzVerdict(verdict, tuple(j.outcome for j in judged))


def _gates(tally: Tally, evidence: str) -> bool:
    return tally.gates(level_of(evidence))


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
