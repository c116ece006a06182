"""Glue between a scenario result and what the run reports: the final outcome, and the records of every step.

It combines three things the layers below keep apart: the runner's result (:mod:`conformance.scenario`), the
evidence threshold (``--evidence``) and the expectations file (:mod:`conformance.report.expectations`). It has
no pytest in it, so the CLI, benchmarks and tests can use it directly; ``plugin.py`` maps a :class:`Verdict`
onto pytest's pass / fail / xfail.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from conformance.model.vocabulary import EvidenceLevel, Outcome
from conformance.report import records as rec
from conformance.report.exchanges import request_mapping, response_mapping
from conformance.report.expectations import Expectation, Expectations
from conformance.report.results import Results
from conformance.scenario.format import Scenario
from conformance.scenario.runner import ScenarioResult, StepResult, format_failure

if TYPE_CHECKING:
    from conformance.report.recording import Difference

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


def build_records(
    scenario: Scenario,
    result: ScenarioResult | None,
    *,
    verdict: Verdict,
    target: str,
    rerun: str,
    duration_ms: float,
    root: Path | None = None,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The scenario record and one check record per step that ran, as plain dicts (they cross processes)."""
    file = _display_path(scenario.file, root)
    checks: list[dict[str, Any]] = []
    for step_result in result.steps if result is not None else ():
        step = step_result.step
        check = rec.CheckRecord(
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
        checks.append(rec.to_dict(check))
    scenario_record = rec.ScenarioRecord(
        scenario_id=scenario.id,
        title=scenario.title,
        target=target,
        outcome=verdict.outcome,
        file=file,
        line=scenario.line,
        since=scenario.since.isoformat(),
        tags=scenario.tags,
        evidence_level=_evidence_of(scenario),
        message=verdict.message,
        rerun=rerun,
        duration_ms=duration_ms,
        expectation=verdict.expectation.to_dict() if verdict.expectation is not None else None,
    )
    return rec.to_dict(scenario_record), checks


def _request_of(step_result: StepResult) -> dict[str, Any]:
    """The step's request as the report shows it; a ``pages: all`` step shows its first page and the page count."""
    request = request_mapping(step_result.request, step_result.exchange)
    if step_result.pages:
        request["pages"] = 1 + len(step_result.pages)
    return request


def _evidence_of(scenario: Scenario) -> str:
    """The scenario's own declared level, whatever the target answered.

    A scenario's level must not change with the target: the levels table of one run is compared with another's
    (a moto run with the reference's), and an UNSUPPORTED or failing scenario is the same scenario as a passing
    one. Each failure keeps its own level in the check records.
    """
    return str(scenario.evidence.level)


def _display_path(path: Path, root: Path | None) -> str:
    for base in (root, Path.cwd()):
        if base is None:
            continue
        try:
            return str(path.resolve().relative_to(base.resolve()))
        except ValueError:
            continue
    return str(path)


def write_reports(
    directory: Path,
    run: rec.RunInfo,
    scenarios: Sequence[Mapping[str, Any]],
    checks: Sequence[Mapping[str, Any]],
    operations: Iterable[str],
    *,
    mask_accounts: bool = False,
) -> list[Path]:
    """Redact and write ``results.json`` and ``index.html`` for one run; returns the paths written."""
    # Imported here: the HTML layer (jinja2) is needed once, by the process that writes the report, not by every
    # xdist worker.
    from conformance.report.folder import write_report

    results = Results(
        run=run,
        scenarios=tuple(rec.from_dict(rec.ScenarioRecord, s) for s in scenarios),
        checks=tuple(rec.from_dict(rec.CheckRecord, c) for c in checks),
    )
    return list(write_report(directory, results, operations=operations, mask_accounts=mask_accounts))


def with_recording_differences(
    judged: Verdict,
    scenario_record: dict[str, Any],
    checks: list[dict[str, Any]],
    found: Sequence[Difference],
    *,
    recording: Path,
) -> tuple[Verdict, dict[str, Any], list[dict[str, Any]]]:
    """Fold differences from a golden recording into the verdict and the records: each one fails its step.

    A comparison with a recording is something the user asked for explicitly, so its differences always gate,
    whatever ``--evidence`` says; their evidence is the recording itself.
    """
    if not found:
        return judged, scenario_record, checks
    by_step: dict[int, list[Difference]] = {}
    for difference in found:
        by_step.setdefault(difference.step, []).append(difference)
    for check in checks:
        extra = by_step.get(int(check.get("step") or 0), [])
        if not extra:
            continue
        check["failures"] = [
            *check["failures"],
            *(
                rec.to_dict(
                    rec.FailureRecord("recording", str(d), evidence_level="documented", evidence_source=str(recording))
                )
                for d in extra
            ),
        ]
        if check["outcome"] == Outcome.PASS:
            check["outcome"] = str(Outcome.FAIL)
    lines = "\n".join(f"  - {d}" for d in found)
    message = f"[FAIL] differs from the recording {recording}:\n{lines}"
    if judged.message:
        message = f"{judged.message}\n{message}"
    outcome = judged.outcome if judged.outcome in {Outcome.ERROR, Outcome.UNSUPPORTED} else str(Outcome.FAIL)
    scenario_record = {**scenario_record, "outcome": outcome, "message": message}
    return Verdict(outcome, True, False, message, judged.expectation), scenario_record, checks
