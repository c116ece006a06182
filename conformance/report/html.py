"""index.html: one self-contained page per run (inline CSS, no script, no network) for people to read.

Headline score, scores per evidence level and per operation, model coverage, then every failure with what was
sent and received and the command that re-runs it. Only failing steps carry request/response blocks, which
keeps the page small for large runs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from conformance.model.vocabulary import EVIDENCE_LEVELS

from .coverage import Coverage
from .coverage import coverage as model_coverage
from .families import family_order, operation_family
from .files import atomic_write_text
from .records import CheckRecord, ScenarioRecord
from .render import Score, environment
from .results import Results

INDEX_FILE = "index.html"
PROBLEMS = ("FAIL", "ERROR", "UNSUPPORTED", "XPASS")
"""Scenario outcomes that get a failure block (XFAIL is listed with its reason instead)."""


@dataclass(frozen=True, slots=True)
class OperationRow:
    operation: str
    family: str
    tally: Score


@dataclass(frozen=True, slots=True)
class Problem:
    """A scenario that needs attention, with the checks that show why."""

    scenario: ScenarioRecord
    failing: tuple[CheckRecord, ...]
    steps: tuple[CheckRecord, ...]


@dataclass(frozen=True, slots=True)
class FuzzRow:
    """Variant counts of one fuzz strategy on one operation (from ``CheckRecord.request["fuzz"]``)."""

    strategy: str
    operation: str
    outcome: str
    variants: int
    passed: int
    failed: int
    errors: int
    skipped: int
    note: str = ""
    """Why the counts are what they are: cut short by a time budget, not run, not implemented."""


def _fuzz_rows(checks: Iterable[CheckRecord]) -> list[FuzzRow]:
    rows = []
    for check in checks:
        counts = (check.request or {}).get("fuzz") if check.kind == "fuzz" else None
        if not isinstance(counts, dict) or not check.operation:
            continue
        rows.append(
            FuzzRow(
                strategy=str(counts.get("strategy", "")),
                operation=check.operation,
                outcome=check.outcome,
                **{k: int(counts.get(k) or 0) for k in ("variants", "passed", "failed", "errors", "skipped")},
                note=str(counts.get("note") or ""),
            )
        )
    return sorted(rows, key=lambda r: (r.strategy, family_order(operation_family(r.operation)), r.operation))


def _fuzz_totals(rows: Iterable[FuzzRow]) -> list[tuple[str, int, int]]:
    """Per strategy: variants run and variants passed."""
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for row in rows:
        totals[row.strategy][0] += row.variants
        totals[row.strategy][1] += row.passed
    return [(strategy, run, passed) for strategy, (run, passed) in sorted(totals.items())]


def render_html(results: Results, *, coverage: Coverage | None = None) -> str:
    """The report page for ``results`` (with the coverage section when ``coverage`` is given)."""
    return (
        environment()
        .get_template("report.html.j2")
        .render(
            run=results.run,
            title=f"Clean Rooms conformance: {results.run.target}",
            score=Score.of(results.scenarios),
            checks=Score.of(results.checks),
            levels=_levels(results.scenarios),
            operations=_operations(results.checks),
            scenarios=results.scenarios,
            problems=_problems(results),
            expected=[s for s in results.scenarios if s.outcome in ("XFAIL", "XPASS")],
            coverage=coverage,
            fuzz_rows=(fuzz_rows := _fuzz_rows(results.checks)),
            fuzz_totals=_fuzz_totals(fuzz_rows),
        )
    )


def write_html(directory: Path, results: Results, *, operations: Iterable[str]) -> Path:
    """Write ``directory/index.html`` (coverage of ``operations`` included) and return its path."""
    page = render_html(results, coverage=model_coverage(results, operations))
    return atomic_write_text(directory / INDEX_FILE, page)


def _levels(scenarios: Iterable[ScenarioRecord]) -> list[tuple[str, Score]]:
    by_level: dict[str, list[ScenarioRecord]] = defaultdict(list)
    for scenario in scenarios:
        by_level[scenario.evidence_level].append(scenario)
    # Strongest evidence first: a reader cares most about failures the model or the docs establish.
    order = [*reversed(EVIDENCE_LEVELS), *sorted(set(by_level) - set(EVIDENCE_LEVELS))]
    return [(level, Score.of(by_level[level])) for level in order if level in by_level]


def _operations(checks: Iterable[CheckRecord]) -> list[OperationRow]:
    by_op: dict[str, list[CheckRecord]] = defaultdict(list)
    for check in checks:
        by_op[check.operation or "(no operation)"].append(check)
    rows = [OperationRow(op, operation_family(op), Score.of(items)) for op, items in by_op.items()]
    return sorted(rows, key=lambda r: (family_order(r.family), r.operation))


def _problems(results: Results) -> list[Problem]:
    problems = []
    for scenario in results.scenarios:
        if scenario.outcome not in PROBLEMS:
            continue
        steps = results.checks_of(scenario.scenario_id)
        failing = tuple(c for c in steps if c.outcome != "PASS" or c.failures)
        problems.append(Problem(scenario, failing, steps))
    return problems
