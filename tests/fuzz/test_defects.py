"""Acceptance: each planted emulator defect is found by the fuzz layer within the quick profile, and the
reproducer it writes fails on the broken emulator and passes on a healthy one (loaded by the scenario loader,
run by the scenario runner)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from conformance.fuzz.machine import run_machine
from conformance.fuzz.profiles import budget, hypothesis_settings
from conformance.fuzz.results import Tally
from conformance.scenario.outcomes import Outcome
from conformance.targets import RunningTarget
from tests.fuzz.conftest import campaign, replay

QUICK = budget("quick")

# defect → (strategy, operation, the constraint kind or problem the finding must name)
SYSTEMATIC = [
    ("skip-length-check", "negative", "CreateCollaboration", "too-long"),
    ("skip-pattern-check", "negative", "CreateCollaboration", "bad-pattern"),
    ("skip-enum-check", "negative", "CreateCollaboration", "unknown-enum"),
    ("skip-required-check", "negative", "CreateCollaboration", "missing-required"),
    ("skip-item-count-check", "negative", "CreateCollaborationChangeRequest", "items"),
    ("skip-union-check", "negative", "CreateCollaborationChangeRequest", "union-members"),
    ("skip-range-check", "negative", "ListCollaborations", "range"),
    ("refused-update-mutates", "enum", "UpdateCollaborationChangeRequest", "state-changed"),
    ("list-drops-last-item", "echo", "CreateCollaboration", "echo"),
]


def _found(tally: Tally, needle: str) -> Path:
    """The reproducer of the first finding that mentions ``needle``."""
    assert tally.outcome == "FAIL", f"{tally.check_id} did not find the defect: {tally.counts()} {tally.note}"
    for finding in tally.findings:
        text = finding.label + " " + " ".join(str(p) for p in finding.problems)
        if needle in text and finding.reproducer:
            return Path(finding.reproducer)
    raise AssertionError(f"no finding of {tally.check_id} mentions {needle!r}: {[f.label for f in tally.findings]}")


def _assert_reproduces(reproducer: Path, broken_target: RunningTarget, healthy: RunningTarget) -> None:
    on_broken = replay(reproducer, broken_target)
    assert on_broken.outcome is Outcome.FAIL, f"{reproducer} does not fail on the broken emulator"
    on_healthy = replay(reproducer, healthy)
    assert on_healthy.outcome is Outcome.PASS, f"{reproducer} fails on a healthy emulator:\n{reproducer.read_text()}"


@pytest.mark.parametrize(("defect", "strategy", "operation", "needle"), SYSTEMATIC, ids=[d[0] for d in SYSTEMATIC])
def test_systematic_strategy_finds_the_defect_and_writes_a_reproducer(
    defect: str,
    strategy: str,
    operation: str,
    needle: str,
    broken: Callable[..., RunningTarget],
    healthy: RunningTarget,
    tmp_path: Path,
) -> None:
    target = broken(defect)
    fuzz = campaign(target, tmp_path, operations=[operation])
    (tally,) = fuzz.systematic(strategy, [operation])
    _assert_reproduces(_found(tally, needle), target, healthy)


@pytest.mark.parametrize("defect", ["last-approval-stays-pending", "list-drops-last-item", "refused-update-mutates"])
def test_stateful_machine_finds_the_defect_within_the_quick_profile(
    defect: str, broken: Callable[..., RunningTarget], healthy: RunningTarget, tmp_path: Path
) -> None:
    target = broken(defect)
    settings = hypothesis_settings(QUICK, examples=QUICK.machine_examples)
    tally = run_machine(campaign(target, tmp_path), settings, None, shrink_seconds=QUICK.shrink_seconds)
    assert tally.outcome == "FAIL", tally
    (finding,) = tally.findings
    assert finding.reproducer is not None
    _assert_reproduces(Path(finding.reproducer), target, healthy)


def test_a_healthy_emulator_gives_no_finding(healthy: RunningTarget, tmp_path: Path) -> None:
    fuzz = campaign(healthy, tmp_path, operations=["UpdateCollaborationChangeRequest", "CreateCollaboration"])
    tallies = fuzz.systematic("negative") + fuzz.systematic("enum") + fuzz.systematic("echo")
    assert [t.check_id for t in tallies if t.outcome != "PASS"] == []
    assert not list(tmp_path.iterdir())
