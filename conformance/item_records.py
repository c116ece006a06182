"""The report records of one item (a scenario, or a fuzz check), built once, frozen from the runner to the report.

Both kinds of item end in an :class:`ItemRecords`: one scenario record and its check records. They stay frozen
dataclasses all the way: a change (the differences from a golden recording, redaction) makes a new value with
:func:`dataclasses.replace`; they become JSON once, where xdist carries them from a worker to the controller
(:meth:`ItemRecords.to_payload`), and are read back once there (:meth:`ItemRecords.from_payload`). No pytest here.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from conformance.fuzz.catalogue import MODULES
from conformance.model.vocabulary import EvidenceLevel, Outcome, strongest
from conformance.report import records as rec
from conformance.report.exchanges import request_mapping, response_mapping
from conformance.report.redact import redact_record, redact_text
from conformance.scenario.format import Scenario
from conformance.scenario.runner import ScenarioResult, StepResult

if TYPE_CHECKING:
    from conformance.fuzz.results import Tally
    from conformance.report.recording import Difference
    from conformance.verdict import Verdict

R = TypeVar("R", rec.CheckRecord, rec.ScenarioRecord, rec.FailureRecord)


@dataclass(frozen=True, slots=True)
class ItemRecords:
    """What one item adds to the report: its scenario record (the row) and one check record per step or tally."""

    scenario: rec.ScenarioRecord
    checks: tuple[rec.CheckRecord, ...] = ()

    def redacted(self) -> ItemRecords:
        """A copy with secrets removed from every text and mapping (see ``report/redact.py``)."""
        return ItemRecords(_redacted(self.scenario), tuple(_redacted(check) for check in self.checks))

    def to_payload(self) -> str:
        """The records as JSON: what an xdist worker sends the controller (``user_properties`` carry text)."""
        return json.dumps({"scenario": rec.to_dict(self.scenario), "checks": [rec.to_dict(c) for c in self.checks]})

    @classmethod
    def from_payload(cls, text: str) -> ItemRecords:
        payload = json.loads(text)
        return cls(
            rec.from_dict(rec.ScenarioRecord, payload["scenario"]),
            tuple(rec.from_dict(rec.CheckRecord, c) for c in payload["checks"]),
        )


def _redacted(record: R) -> R:
    """``record`` with every string and mapping field redacted; nested failure records too."""
    changes: dict[str, Any] = {}
    for field in dataclasses.fields(record):
        value = getattr(record, field.name)
        if isinstance(value, str):
            changes[field.name] = redact_text(value)
        elif isinstance(value, Mapping):
            changes[field.name] = redact_record(rec.to_plain(value))
        elif isinstance(value, tuple):
            changes[field.name] = tuple(
                redact_text(v) if isinstance(v, str) else _redacted(v) if isinstance(v, rec.FailureRecord) else v
                for v in value
            )
    return dataclasses.replace(record, **changes)


# --- scenarios ----------------------------------------------------------------------------------------------------


def scenario_records(
    scenario: Scenario,
    result: ScenarioResult | None,
    *,
    verdict: Verdict,
    target: str,
    rerun: str,
    duration_ms: float,
    root: Path | None = None,
) -> ItemRecords:
    """The scenario record and one check record per step that ran."""
    file = _display_path(scenario.file, root)
    checks = tuple(
        _step_record(scenario, step_result, target=target, file=file)
        for step_result in (result.steps if result is not None else ())
    )
    scenario_record = rec.ScenarioRecord(
        scenario_id=scenario.id,
        title=scenario.title,
        target=target,
        outcome=verdict.outcome,
        file=file,
        line=scenario.line,
        since=scenario.since.isoformat(),
        tags=scenario.tags,
        # The scenario's own declared level, whatever the target answered: the levels table of one run is compared
        # with another's, and each failure keeps its own level in the check records.
        evidence_level=str(scenario.evidence.level),
        message=verdict.message,
        rerun=rerun,
        duration_ms=duration_ms,
        expectation=verdict.expectation.to_dict() if verdict.expectation is not None else None,
    )
    return ItemRecords(scenario_record, checks)


def _step_record(scenario: Scenario, step_result: StepResult, *, target: str, file: str) -> rec.CheckRecord:
    step = step_result.step
    return rec.CheckRecord(
        check_id=f"{scenario.id}#{step.index}",
        scenario_id=scenario.id,
        target=target,
        outcome=str(step_result.outcome),
        step=step.index,
        step_name=step.label,
        file=file,
        line=step.line,
        operation=step.operation,
        actor=step.actor,
        evidence_level=str(step.evidence.level),
        evidence_source=step.evidence.source,
        failures=tuple(
            rec.FailureRecord(
                kind=failure.kind,
                message=failure.message,
                path=failure.path,
                evidence_level=str(failure.evidence.level),
                evidence_source=failure.evidence.source,
            )
            for failure in step_result.failures
        ),
        request=_request_of(step_result),
        response=response_mapping(step_result.exchange),
        diff="\n".join(str(f) for f in step_result.failures) or None,
        duration_ms=step_result.duration_s * 1000,
        alternative=step_result.alternative,
    )


def _request_of(step_result: StepResult) -> dict[str, Any]:
    """The step's request as the report shows it; a ``pages: all`` step shows its first page and the page count."""
    request = request_mapping(step_result.request, step_result.exchange)
    if step_result.pages:
        request["pages"] = 1 + len(step_result.pages)
    return request


def _display_path(path: Path, root: Path | None) -> str:
    for base in (root, Path.cwd()):
        if base is None:
            continue
        try:
            return str(path.resolve().relative_to(base.resolve()))
        except ValueError:
            continue
    return str(path)


def with_recording_differences(
    judged: Verdict, records: ItemRecords, found: Sequence[Difference], *, recording: Path
) -> tuple[Verdict, ItemRecords]:
    """Fold differences from a golden recording into the verdict and the records: each one fails its step.

    A comparison with a recording is something the user asked for explicitly, so its differences always gate,
    whatever ``--evidence`` says; their evidence is the recording itself.
    """
    if not found:
        return judged, records
    by_step: dict[int, list[Difference]] = {}
    for difference in found:
        by_step.setdefault(difference.step, []).append(difference)
    checks = []
    for check in records.checks:
        extra = by_step.get(check.step or 0, [])
        if extra:
            added = tuple(
                rec.FailureRecord("recording", str(d), evidence_level="documented", evidence_source=str(recording))
                for d in extra
            )
            outcome = str(Outcome.FAIL) if check.outcome == Outcome.PASS else check.outcome
            check = dataclasses.replace(check, failures=(*check.failures, *added), outcome=outcome)
        checks.append(check)
    lines = "\n".join(f"  - {d}" for d in found)
    message = f"[FAIL] differs from the recording {recording}:\n{lines}"
    if judged.message:
        message = f"{judged.message}\n{message}"
    outcome = judged.outcome if judged.outcome in {Outcome.ERROR, Outcome.UNSUPPORTED} else str(Outcome.FAIL)
    scenario = dataclasses.replace(records.scenario, outcome=outcome, message=message)
    changed = dataclasses.replace(judged, outcome=outcome, failed=True, xfail=False, message=message)
    return changed, ItemRecords(scenario, tuple(checks))


# --- fuzz checks --------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FuzzCheck:
    """What the records of a fuzz item say about it: its id, check, operation and how to re-run it."""

    item_id: str
    name: str
    operation: str | None
    rerun: str

    @property
    def title(self) -> str:
        return f"fuzz check {self.name}" + (f" on {self.operation}" if self.operation else "")

    @property
    def module(self) -> str:
        """Where the check is made (the location a report gives its row)."""
        return MODULES.get(self.name, "fuzz")


def fuzz_records(
    check: FuzzCheck,
    tallies: Sequence[Tally],
    outcomes: Sequence[str],
    *,
    verdict: Verdict,
    target: str,
    duration_ms: float,
    report_dir: Path | None = None,
) -> ItemRecords:
    """The item's record and one check record per tally, each with the outcome its judgement gave it."""
    checks = tuple(
        _tally_record(tally, outcome, target, check.item_id, report_dir)
        for tally, outcome in zip(tallies, outcomes, strict=True)
    )
    return ItemRecords(_fuzz_row(check, verdict, target, duration_ms), checks)


def not_run_records(check: FuzzCheck, verdict: Verdict, *, target: str, duration_ms: float) -> ItemRecords:
    """The records of a check that was not run: SKIPPED, saying why (never a PASS)."""
    checks: tuple[rec.CheckRecord, ...] = ()
    if check.operation is not None:
        counts = {"variants": 0, "passed": 0, "failed": 0, "errors": 0, "skipped": 0, "dropped": 0}
        fuzz = {"strategy": check.name, **counts, "duration_s": 0.0, "note": verdict.message}
        checks = (
            rec.CheckRecord(
                check_id=check.item_id,
                scenario_id=check.item_id,
                target=target,
                outcome=str(Outcome.SKIPPED),
                kind="fuzz",
                step_name=check.name,
                file=check.module,
                operation=check.operation,
                request={"params": None, "fuzz": fuzz},
                diff=verdict.message,
            ),
        )
    return ItemRecords(_fuzz_row(check, verdict, target, duration_ms), checks)


def _fuzz_row(check: FuzzCheck, verdict: Verdict, target: str, duration_ms: float) -> rec.ScenarioRecord:
    return rec.ScenarioRecord(
        scenario_id=check.item_id,
        title=check.title,
        target=target,
        outcome=verdict.outcome,
        file=check.module,
        tags=("fuzz", check.name, *((check.operation,) if check.operation else ())),
        message=verdict.message,
        rerun=check.rerun,
        duration_ms=duration_ms,
        expectation=verdict.expectation.to_dict() if verdict.expectation is not None else None,
    )


def _relative(path: str | None, report_dir: Path | None) -> str | None:
    """A reproducer's path as reports show it: relative to the report folder (a report may be moved)."""
    if path is None or report_dir is None:
        return path
    try:
        return str(Path(path).relative_to(report_dir))
    except ValueError:
        return path


def _tally_record(
    tally: Tally, outcome: str, target: str, item_id: str, report_dir: Path | None = None
) -> rec.CheckRecord:
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
    return rec.CheckRecord(
        check_id=tally.check_id,
        scenario_id=item_id,
        target=target,
        outcome=outcome,
        kind="fuzz",
        step_name=tally.strategy,
        file=reproducers[0] if reproducers else MODULES.get(tally.strategy, "fuzz"),
        operation=tally.operation if tally.operation in _operations() else None,
        actor=first.actor or None if first is not None else None,
        evidence_level=str(strongest(levels, default=EvidenceLevel.MODEL)),
        failures=failures,
        request=request,
        response=response,
        diff=tally_text(tally) or None,
        duration_ms=tally.duration_s * 1000,
    )


def _operations() -> frozenset[str]:
    from conformance.model.service import operation_names

    return frozenset(operation_names())


def tally_text(tally: Tally) -> str:
    """A tally's counts and findings, as a fuzz check record's ``diff`` shows them."""
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
