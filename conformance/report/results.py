"""results.json: one file per run, written atomically, read back with clear errors, merged from parts.

Layout (``version`` is :data:`~conformance.report.records.RESULTS_VERSION`)::

    {"version": 1, "run": {...RunInfo}, "summary": {"scenarios": {"PASS": 3, ...}, "checks": {...}},
     "scenarios": [{...ScenarioRecord}, ...], "checks": [{...CheckRecord}, ...]}

``summary`` is derived (for ``jq`` in CI scripts) and ignored when reading.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from conformance.model.vocabulary import Outcome

from .errors import ReportError
from .files import atomic_write_text
from .records import (
    RESULTS_VERSION,
    CheckRecord,
    RunInfo,
    ScenarioRecord,
    T,
    from_dict,
    to_dict,
)

__all__ = ["RESULTS_FILE", "ReportError", "Results", "merge", "outcome_counts", "read_results", "write_results"]

RESULTS_FILE = "results.json"
_OUTCOMES = tuple(outcome.value for outcome in Outcome)
"""The outcomes as the results file writes them, in the vocabulary's order."""


@dataclass(frozen=True, slots=True)
class Results:
    """Everything one run against one target produced."""

    run: RunInfo
    scenarios: tuple[ScenarioRecord, ...]
    checks: tuple[CheckRecord, ...]

    def checks_of(self, scenario_id: str) -> tuple[CheckRecord, ...]:
        """The checks of one scenario, in step order."""
        return tuple(c for c in self.checks if c.scenario_id == scenario_id)


def outcome_counts(records: Iterable[ScenarioRecord | CheckRecord]) -> dict[str, int]:
    """Outcome → count, every outcome present (zero when none), in the fixed outcome order."""
    counts = Counter(r.outcome for r in records)
    return {outcome: counts.get(outcome, 0) for outcome in _OUTCOMES}


def write_results(directory: Path, results: Results) -> Path:
    """Write ``directory/results.json`` atomically and return its path."""
    document = {
        "version": RESULTS_VERSION,
        "run": to_dict(results.run),
        "summary": {
            "scenarios": outcome_counts(results.scenarios),
            "checks": outcome_counts(results.checks),
        },
        "scenarios": [to_dict(s) for s in results.scenarios],
        "checks": [to_dict(c) for c in results.checks],
    }
    return atomic_write_text(directory / RESULTS_FILE, json.dumps(document, indent=1, ensure_ascii=False) + "\n")


def read_results(directory_or_file: Path) -> Results:
    """Read a results.json (or the one inside a directory); :class:`ReportError` says what is wrong."""
    path = directory_or_file / RESULTS_FILE if directory_or_file.is_dir() else directory_or_file
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ReportError(f"{path}: no results file here; run the suite first (it writes {RESULTS_FILE})") from None
    except OSError as exc:
        raise ReportError(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        document = json.loads(text)
    except ValueError as exc:
        raise ReportError(f"{path}: not valid JSON ({exc}); the file is damaged, re-run the suite") from None
    return _parse(path, document)


def _parse(path: Path, document: Any) -> Results:
    if not isinstance(document, dict) or not isinstance(document.get("version"), int):
        raise ReportError(f"{path}: not a cleanrooms-conformance results file (no integer 'version')")
    version = document["version"]
    if version > RESULTS_VERSION:
        raise ReportError(
            f"{path}: written by a newer cleanrooms-conformance (results version {version}; this one "
            f"reads up to {RESULTS_VERSION}); upgrade the package to read it"
        )
    run = _record(path, "run", RunInfo, document.get("run"))
    scenarios = tuple(
        _record(path, f"scenarios[{i}]", ScenarioRecord, item)
        for i, item in enumerate(_list(path, document, "scenarios"))
    )
    checks = tuple(
        _record(path, f"checks[{i}]", CheckRecord, item) for i, item in enumerate(_list(path, document, "checks"))
    )
    return Results(run=run, scenarios=scenarios, checks=checks)


def _list(path: Path, document: Mapping[str, Any], key: str) -> list[Any]:
    value = document.get(key, [])
    if not isinstance(value, list):
        raise ReportError(f"{path}: '{key}' must be a list, found {type(value).__name__}")
    return value


def _record(path: Path, where: str, cls: type[T], data: Any) -> T:
    if not isinstance(data, Mapping):
        raise ReportError(f"{path}: {where} must be an object, found {type(data).__name__}")
    try:
        record = from_dict(cls, data)
    except (TypeError, AttributeError) as exc:  # a required field is missing or a nested record is malformed
        raise ReportError(f"{path}: {where}: {exc}") from None
    outcome = getattr(record, "outcome", None)
    if outcome is not None and outcome not in _OUTCOMES:
        raise ReportError(f"{path}: {where}: unknown outcome {outcome!r} (known: {', '.join(_OUTCOMES)})")
    return record


def merge(parts: Iterable[Results]) -> Results:
    """One :class:`Results` from the parts of one run (e.g. one per xdist worker).

    Records are keyed by ``scenario_id`` / ``check_id``; when a key appears in several parts the record of the
    later part wins (a re-run replaces the earlier attempt). The result is ordered by scenario file and line,
    then step, so it does not depend on which worker ran what.
    """
    parts = list(parts)
    if not parts:
        raise ReportError("nothing to merge: no results parts were given")
    targets = sorted({p.run.target for p in parts})
    if len(targets) > 1:
        raise ReportError(f"cannot merge results of different targets ({', '.join(targets)}); use compare instead")
    scenarios: dict[str, ScenarioRecord] = {}
    checks: dict[str, CheckRecord] = {}
    for part in parts:
        scenarios.update((s.scenario_id, s) for s in part.scenarios)
        checks.update((c.check_id, c) for c in part.checks)
    ordered = sorted(scenarios.values(), key=lambda s: (s.file, s.line, s.scenario_id))
    position = {s.scenario_id: i for i, s in enumerate(ordered)}
    return Results(
        run=_merge_runs([p.run for p in parts]),
        scenarios=tuple(ordered),
        checks=tuple(sorted(checks.values(), key=lambda c: _check_order(c, position))),
    )


def _check_order(check: CheckRecord, position: Mapping[str, int]) -> tuple[int, str, int, int, str]:
    # Fuzz findings (no step) come after the steps of their scenario; unknown scenarios after known ones.
    step = check.step if check.step is not None else -1
    return (
        position.get(check.scenario_id, len(position)),
        check.scenario_id,
        check.step is None,
        step,
        check.check_id,
    )


def _merge_runs(runs: Sequence[RunInfo]) -> RunInfo:
    started = [r.started for r in runs if r.started]
    finished = [r.finished for r in runs if r.finished]
    return replace(runs[0], started=min(started, default=0.0), finished=max(finished, default=0.0))
