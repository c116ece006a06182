"""Several runs side by side: scenarios by targets and operations by targets, disagreements explained.

Two targets disagree on a scenario when its behaviour differed: PASS (or XPASS) against a failure, or two
different failures. Expectations files are per target, so XFAIL is read as the outcome it excused. For each
scenario the first step whose outcome, status, error or (normalised) body differs is shown side by side with a
DeepDiff of the bodies; run-specific values (ids, accounts, timestamps, tokens) are replaced by placeholders
first, numbered per scenario and target in step order, so equal behaviour compares equal.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from deepdiff import DeepDiff

from .errors import ReportError
from .exchanges import error_code
from .families import family_order, operation_family
from .normalise import PlaceholderMap, normalise_response, without_run_id
from .records import CheckRecord, RunInfo, ScenarioRecord
from .render import Score, environment
from .results import Results


@dataclass(frozen=True, slots=True)
class StepSide:
    """One step of one scenario as one target answered it (normalised)."""

    target: str
    ran: bool
    outcome: str = ""
    operation: str = ""
    status: int | None = None
    error: str | None = None
    body: Any = None
    failures: tuple[str, ...] = ()

    def view(self) -> dict[str, Any]:
        """What is compared between targets."""
        return {"outcome": self.outcome, "status": self.status, "error": self.error, "body": self.body}


@dataclass(frozen=True, slots=True)
class ScenarioRow:
    scenario_id: str
    title: str
    outcomes: tuple[str | None, ...]
    """One per target; None where the target did not run the scenario."""
    disagree: bool
    """The targets that ran it behaved differently (see the module docstring)."""
    responses_differ: bool
    """Same behaviour, but some step's normalised response differs (e.g. an extra member)."""
    step: int | None = None
    """The first step that differs, if any."""
    sides: tuple[StepSide, ...] = ()
    differences: tuple[tuple[str, str], ...] = ()
    """(``"a → b"``, DeepDiff text) from the first target that ran the scenario to each other one."""


@dataclass(frozen=True, slots=True)
class OperationRow:
    operation: str
    family: str
    tallies: tuple[Score | None, ...]
    disagree: bool
    """Some check of this operation, run on several targets, ended differently."""


@dataclass(frozen=True, slots=True)
class Comparison:
    targets: tuple[str, ...]
    runs: tuple[RunInfo, ...]
    scores: tuple[Score, ...]
    scenarios: tuple[ScenarioRow, ...]
    operations: tuple[OperationRow, ...]

    @property
    def disagreements(self) -> tuple[ScenarioRow, ...]:
        return tuple(r for r in self.scenarios if r.disagree)

    @property
    def differing_responses(self) -> tuple[ScenarioRow, ...]:
        return tuple(r for r in self.scenarios if r.responses_differ)


def compare(runs: Sequence[Results]) -> Comparison:
    """Compare runs of the same scenarios against different targets (at least one run)."""
    if not runs:
        raise ReportError("nothing to compare: give at least one results folder")
    targets = _labels([r.run for r in runs])
    order: dict[str, ScenarioRecord] = {}
    for results in runs:
        for s in results.scenarios:
            order.setdefault(s.scenario_id, s)
    ids = sorted(order, key=lambda sid: (order[sid].file, order[sid].line, sid))
    by_target = [{s.scenario_id: s for s in r.scenarios} for r in runs]
    checks_by_target = [_steps(r) for r in runs]
    accounts = [_accounts(r.run) for r in runs]
    run_ids = [r.run.run_id for r in runs]
    rows = tuple(_row(sid, order[sid].title, targets, by_target, checks_by_target, accounts, run_ids) for sid in ids)
    return Comparison(
        targets=targets,
        runs=tuple(r.run for r in runs),
        scores=tuple(Score.of(r.scenarios) for r in runs),
        scenarios=rows,
        operations=_operation_rows(runs),
    )


def _labels(runs: Sequence[RunInfo]) -> tuple[str, ...]:
    # Two runs of the same target (say, two moto versions) need distinct column names.
    counts = Counter(run.target for run in runs)
    return tuple(
        run.target if counts[run.target] == 1 else f"{run.target} ({run.run_id or i + 1})" for i, run in enumerate(runs)
    )


def _accounts(run: RunInfo) -> Mapping[str, str] | None:
    # Actor names make account placeholders comparable across targets whose accounts differ (AWS vs emulator).
    accounts = run.extra.get("accounts")
    return accounts if isinstance(accounts, Mapping) else None


def _steps(results: Results) -> dict[str, dict[int, CheckRecord]]:
    steps: dict[str, dict[int, CheckRecord]] = defaultdict(dict)
    for check in results.checks:
        if check.kind == "step" and check.step is not None:
            steps[check.scenario_id][check.step] = check
    return steps


def behaviour(scenario: ScenarioRecord) -> str:
    """The outcome without the target's expectations file: XPASS → PASS, XFAIL → the outcome it excused."""
    if scenario.outcome == "XPASS":
        return "PASS"
    if scenario.outcome == "XFAIL":
        return str((scenario.expectation or {}).get("outcome") or "FAIL")
    return scenario.outcome


def _row(
    sid: str,
    title: str,
    targets: tuple[str, ...],
    by_target: Sequence[Mapping[str, ScenarioRecord]],
    checks_by_target: Sequence[Mapping[str, Mapping[int, CheckRecord]]],
    accounts: Sequence[Mapping[str, str] | None],
    run_ids: Sequence[str],
) -> ScenarioRow:
    records = [t.get(sid) for t in by_target]
    outcomes = tuple(r.outcome if r is not None else None for r in records)
    ran = [i for i, r in enumerate(records) if r is not None]
    disagree = len({behaviour(r) for r in records if r is not None}) > 1
    steps = [checks_by_target[i].get(sid, {}) if i in ran else None for i in range(len(targets))]
    sides_per_step = _sides(targets, steps, accounts, run_ids)
    step, sides = _first_difference(sides_per_step, ran)
    differences: tuple[tuple[str, str], ...] = ()
    if sides:
        base = sides[ran[0]]
        differences = tuple(
            (f"{base.target} → {sides[i].target}", _diff_text(base.view(), sides[i].view())) for i in ran[1:]
        )
    return ScenarioRow(
        scenario_id=sid,
        title=title,
        outcomes=outcomes,
        disagree=disagree,
        responses_differ=not disagree and step is not None,
        step=step,
        sides=sides,
        differences=differences,
    )


def _sides(
    targets: tuple[str, ...],
    steps: Sequence[Mapping[int, CheckRecord] | None],
    accounts: Sequence[Mapping[str, str] | None],
    run_ids: Sequence[str],
) -> dict[int, tuple[StepSide, ...]]:
    numbers = sorted({n for s in steps if s for n in s})
    normalised: list[dict[int, StepSide]] = []
    for target, checks, known, run_id in zip(targets, steps, accounts, run_ids, strict=True):
        # One placeholder map per scenario and target, fed in step order, so <uuid:1> means "the first id
        # this scenario saw" on every target.
        placeholders = PlaceholderMap(accounts=known)
        normalised.append({n: _side(target, checks.get(n), placeholders, run_id) for n in numbers} if checks else {})
    return {
        n: tuple(normalised[i].get(n, StepSide(targets[i], ran=False)) for i in range(len(targets))) for n in numbers
    }


def _side(target: str, check: CheckRecord | None, placeholders: PlaceholderMap, run_id: str) -> StepSide:
    if check is None:
        return StepSide(target, ran=False)
    response = check.response or {}
    status = response.get("status")
    return StepSide(
        target=target,
        ran=True,
        outcome=check.outcome,
        operation=check.operation or "",
        status=status if isinstance(status, int) else None,
        error=error_code(response) if response else None,
        # Each run's own id first (names carry it), so that two runs differ where their behaviour does.
        body=normalise_response(without_run_id(response.get("body"), run_id), placeholders=placeholders),
        failures=tuple(f.message for f in check.failures),
    )


def _first_difference(
    sides_per_step: Mapping[int, tuple[StepSide, ...]], ran: Sequence[int]
) -> tuple[int | None, tuple[StepSide, ...]]:
    for number, sides in sides_per_step.items():
        views = [sides[i].view() if sides[i].ran else None for i in ran]
        if any(v != views[0] for v in views[1:]):
            return number, sides
    return None, ()


def _diff_text(base: Mapping[str, Any], other: Mapping[str, Any]) -> str:
    diff = DeepDiff(base, other, verbose_level=2)
    return str(diff.pretty()) if diff else "no difference"


def _operation_rows(runs: Sequence[Results]) -> tuple[OperationRow, ...]:
    per_target: list[dict[str, list[CheckRecord]]] = []
    for results in runs:
        grouped: dict[str, list[CheckRecord]] = defaultdict(list)
        for check in results.checks:
            if check.operation:
                grouped[check.operation].append(check)
        per_target.append(grouped)
    operations = sorted({op for g in per_target for op in g}, key=lambda o: (family_order(operation_family(o)), o))
    rows = []
    for op in operations:
        outcomes: dict[str, set[str]] = defaultdict(set)
        for grouped in per_target:
            for check in grouped.get(op, []):
                outcomes[check.check_id].add(check.outcome)
        rows.append(
            OperationRow(
                operation=op,
                family=operation_family(op),
                tallies=tuple(Score.of(g[op]) if op in g else None for g in per_target),
                disagree=any(len(found) > 1 for found in outcomes.values()),
            )
        )
    return tuple(rows)


def render_compare_html(comparison: Comparison) -> str:
    """compare.html: the matrices and, per differing scenario, the first differing step side by side."""
    return environment().get_template("compare.html.j2").render(c=comparison)


def render_compare_text(comparison: Comparison) -> str:
    """A terminal summary: scores per target, then every disagreement and differing operation."""
    targets = comparison.targets
    width = max(12, *(len(t) for t in targets))
    idw = max([24, *(len(r.scenario_id) for r in comparison.disagreements)])
    lines = [f"{len(comparison.scenarios)} scenarios on {len(targets)} targets", ""]
    lines.append(f"  {'target':<{width}}  {'score':>14}  " + " ".join(f"{o:>5.5}" for o in Score.of([]).counts))
    for target, tally in zip(targets, comparison.scores, strict=True):
        score = f"{tally.conforming}/{tally.total} ({tally.percent})"
        lines.append(f"  {target:<{width}}  {score:>14}  " + " ".join(f"{n:>5}" for n in tally.counts.values()))
    for target, run in zip(targets, comparison.runs, strict=True):
        if run.selection:
            # A partial run leaves scenarios out: they show as "-" below, not as a difference in behaviour.
            lines.append(f"  ({target} was a partial run: {run.selection})")
    lines.append("")
    disagreements = comparison.disagreements
    if not disagreements:
        lines.append("All targets behave alike on every scenario they ran.")
    else:
        lines.append(f"Disagreements ({len(disagreements)} scenarios):")
        lines.append(f"  {'scenario':<{idw}}  " + "  ".join(f"{t:<{width}}" for t in targets))
        for row in disagreements:
            cells = "  ".join(f"{o or '-':<{width}}" for o in row.outcomes)
            where = f"  first differing step {row.step}" if row.step is not None else ""
            lines.append(f"! {row.scenario_id:<{idw}}  {cells}{where}")
    if comparison.differing_responses:
        lines.append("")
        lines.append(f"Same outcome, different responses ({len(comparison.differing_responses)} scenarios):")
        for row in comparison.differing_responses:
            lines.append(f"~ {row.scenario_id}  step {row.step}")
    differing_ops = [r for r in comparison.operations if r.disagree]
    if differing_ops:
        lines.append("")
        lines.append("Operations whose checks end differently:")
        opw = max(len(r.operation) for r in differing_ops)
        for op_row in differing_ops:
            cells = "  ".join(f"{(f'{t.conforming}/{t.total}' if t else '-'):<{width}}" for t in op_row.tallies)
            lines.append(f"! {op_row.operation:<{opw}}  {cells}")
    return "\n".join(lines) + "\n"
