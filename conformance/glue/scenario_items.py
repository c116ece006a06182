"""Scenario files as pytest collects them, and the item that runs one scenario against the session's target.

A file yields one item, or a collection error naming ``file:line``. The item runs the scenario through
:mod:`conformance.scenario.runner`, takes its verdict from :mod:`conformance.verdict`, its records from
:mod:`conformance.item_records` (and, when asked, compares them with a golden recording), then ends as the
verdict says (:mod:`conformance.glue.items`).
"""

from __future__ import annotations

import shlex
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conformance import verdict
from conformance.glue.items import ConformanceItem, ScenarioFailure, conclude, keep
from conformance.glue.session import SESSION, Session
from conformance.item_records import ItemRecords, scenario_records, with_recording_differences
from conformance.model.vocabulary import ACTORS
from conformance.report.errors import ReportError
from conformance.report.recording import differences, read_recording, recording_of, write_recording
from conformance.scenario.format import Scenario
from conformance.scenario.loader import ScenarioError, load_scenario
from conformance.scenario.runner import ScenarioResult, run_scenario
from conformance.scenario.templating import referenced_actors
from conformance.targets.errors import TargetError

DEFAULT_ACTORS = ACTORS


def collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    """A collector for ``file_path`` when it is a scenario file under one of the run's roots."""
    state = parent.config.stash[SESSION]
    if not state.active or file_path.suffix not in {".yaml", ".yml"}:
        return None
    resolved = file_path.resolve()
    if not any(root in (resolved, resolved.parent) or root in resolved.parents for root in state.roots):
        return None
    collector: ScenarioFile = ScenarioFile.from_parent(parent, path=file_path)
    return collector


class ScenarioFile(pytest.File):
    """One scenario YAML file; yields one item, or a collection error naming ``file:line``."""

    def collect(self) -> Iterator[pytest.Item]:
        state = self.config.stash[SESSION]
        try:
            scenario = load_scenario(self.path, actors=_actor_names(state))
        except ScenarioError as exc:
            raise self.CollectError(str(exc)) from None
        first = state.seen_ids.setdefault(scenario.id, str(self.path))
        if first != str(self.path):
            raise self.CollectError(
                f"{self.path}:{scenario.line}: scenario id {scenario.id!r} is already used by {first}; "
                "give one of them another `id:`"
            )
        item: ScenarioItem = ScenarioItem.from_parent(self, name=scenario.id, scenario=scenario)
        for tag in scenario.tags:
            item.add_marker(pytest.mark.scenario(tag))
        yield item


def _actor_names(state: Session) -> tuple[str, ...]:
    if state.spec is None:
        return DEFAULT_ACTORS
    return tuple(sorted(set(state.spec.actors) | set(DEFAULT_ACTORS)))


def _needed_actors(scenario: Scenario) -> frozenset[str]:
    """Who calls in ``scenario`` and whose account its templates read."""
    values = [
        [step.params, step.raw_body, *((a.expect, a.expect_error) for a in step.alternatives)]
        for step in scenario.steps
    ]
    return frozenset(scenario.actors) | referenced_actors(values)


class ScenarioItem(ConformanceItem):
    """One scenario run against the session's target."""

    def __init__(self, *, scenario: Scenario, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.scenario = scenario
        self.add_marker(pytest.mark.scenario)

    def runtest(self) -> None:
        state = self.config.stash[SESSION]
        started = time.perf_counter()
        if state.spec is not None:
            try:
                # An actor the target does not configure is the configuration's problem, not the target's FAIL;
                # checked before the first step, so nothing is created half-way.
                state.spec.require_actors(_needed_actors(self.scenario))
            except TargetError as exc:
                self._finish(state, None, started, error=str(exc))
                raise ScenarioFailure(f"[ERROR] {exc}") from None
        try:
            target = state.target()
        except TargetError as exc:
            self._finish(state, None, started, error=f"target could not be started: {exc}")
            raise ScenarioFailure(f"[ERROR] target could not be started: {exc}") from None
        result = run_scenario(
            self.scenario,
            target,
            run_id=state.run_id,
            accounts={actor: target.account_id(actor) for actor in target.actors()},
        )
        conclude(self._finish(state, result, started), ScenarioFailure)

    def _finish(
        self, state: Session, result: ScenarioResult | None, started: float, *, error: str | None = None
    ) -> verdict.Verdict:
        judged = verdict.judge(
            self.scenario, result, evidence=state.evidence, expectations=state.expectations, error=error
        )
        records = scenario_records(
            self.scenario,
            result,
            verdict=judged,
            target=state.target_name,
            rerun=self._rerun_command(),
            duration_ms=(time.perf_counter() - started) * 1000,
        ).redacted()
        if result is not None and (state.record_dir or state.against_dir):
            judged, records = self._compare_with_recording(state, judged, records)
        keep(
            self,
            records,
            state,
            ("outcome", judged.outcome),
            ("evidence", records.scenario.evidence_level),
            ("since", str(self.scenario.since)),
        )
        return judged

    def _compare_with_recording(
        self, state: Session, judged: verdict.Verdict, records: ItemRecords
    ) -> tuple[verdict.Verdict, ItemRecords]:
        target = state.target()
        current = recording_of(
            self.scenario.id, target.spec.name, records.checks, accounts=dict(target.accounts), run_id=state.run_id
        )
        if state.record_dir is not None:
            write_recording(state.record_dir, current)
        if state.against_dir is None:
            return judged, records
        try:
            recorded = read_recording(state.against_dir, self.scenario.id)
        except ReportError as exc:
            raise ScenarioFailure(f"[ERROR] {exc}") from None
        if recorded is None:
            self.user_properties.append(("recording", "none"))
            return judged, records
        found = differences(recorded, current)
        path = state.against_dir / f"{self.scenario.id}.json"
        return with_recording_differences(judged, records, found, recording=path)

    def _rerun_command(self) -> str:
        opts = self.config.option
        parts = ["pytest", str(self.path), f"--target={opts.target or 'reference'}"]
        if opts.target_config:
            parts.append(f"--target-config={opts.target_config}")
        if opts.target_name:
            parts.append(f"--target-name={opts.target_name}")
        for defect in opts.emulator_defect:
            parts.append(f"--emulator-defect={defect}")
        for reading in opts.emulator_reading:
            parts.append(f"--emulator-reading={reading}")
        if opts.expectations:
            parts.append(f"--expectations={opts.expectations}")
        return shlex.join(parts)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, max(self.scenario.line - 1, 0), f"scenario: {self.scenario.title}"
