"""Fixtures: a healthy reference target per session, broken ones on demand, and replaying reproducers."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from conformance.fuzz.campaign import Campaign
from conformance.reference import EmulatorConfig
from conformance.scenario.loader import load_scenario
from conformance.scenario.runner import ScenarioResult, run_scenario
from conformance.targets import RunningTarget, parse_target, start_target

RUN_ID = "cr-conf-fuzztest"


@pytest.fixture(scope="session")
def healthy() -> Iterator[RunningTarget]:
    with start_target(parse_target("reference"), run_id=RUN_ID) as target:
        yield target


@pytest.fixture
def broken() -> Iterator[Callable[..., RunningTarget]]:
    """``broken("defect", ...)`` starts a reference target with those defects (stopped after the test)."""
    started: list[RunningTarget] = []

    def start(*defects: str) -> RunningTarget:
        target = start_target(
            parse_target("reference"), run_id=RUN_ID, emulator_config=EmulatorConfig(defects=frozenset(defects))
        )
        started.append(target)
        return target

    yield start
    for target in started:
        target.close()


def campaign(target: RunningTarget, reproducers: Path | None = None, operations: list[str] | None = None) -> Campaign:
    return Campaign(target, target.accounts, region=target.spec.region, reproducers=reproducers, operations=operations)


def replay(path: Path, target: RunningTarget) -> ScenarioResult:
    """Load a reproducer with the scenario loader and run it with the scenario runner."""
    scenario = load_scenario(path)
    return run_scenario(scenario, target, run_id=RUN_ID, accounts=dict(target.accounts))
