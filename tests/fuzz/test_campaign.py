from __future__ import annotations

from pathlib import Path

from conformance.fuzz.profiles import Deadline, deadline
from conformance.fuzz.seeds import CORE_OPERATIONS
from conformance.fuzz.systematic import generate
from conformance.model.families import OPERATIONS
from conformance.model.service import operation_names
from conformance.targets import RunningTarget
from tests.fuzz.conftest import campaign


def test_support_finds_the_families_operations_of_the_reference(healthy: RunningTarget) -> None:
    fuzz = campaign(healthy)
    assert fuzz.operations() == CORE_OPERATIONS
    # The reference implements the families' operations and nothing else of the model.
    assert set(fuzz.support().unsupported) == set(operation_names()) - set(OPERATIONS)
    assert fuzz.reported_unsupported() == {}
    assert fuzz.support() is fuzz.support()  # detected once


def test_a_restricted_campaign_reports_its_unsupported_operations(healthy: RunningTarget) -> None:
    fuzz = campaign(healthy, operations=["GetCollaboration", "ListConfiguredTables"])
    assert fuzz.operations() == ("GetCollaboration",)
    assert "ListConfiguredTables" in fuzz.reported_unsupported()


def test_systematic_tallies_count_variants_and_keep_a_few_findings(broken, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = broken("skip-enum-check")
    fuzz = campaign(target, tmp_path, operations=["CreateCollaboration"])
    (tally,) = fuzz.systematic("negative")
    assert tally.check_id == "fuzz:negative:CreateCollaboration"
    assert tally.variants == tally.passed + tally.failed
    assert tally.failed > 3
    assert len(tally.findings) == 3
    assert tally.dropped > 0
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        f"fuzz-negative-CreateCollaboration-{n}.{ext}" for n in range(3) for ext in ("curl.sh", "yaml")
    ]


class Countdown(Deadline):
    """A deadline that passes after ``n`` questions (so a test need not race the clock)."""

    def __init__(self, n: int) -> None:
        super().__init__(float("inf"), "the test's budget")
        self.left = n

    def passed(self) -> bool:
        self.left -= 1
        if self.left < 0:
            self.hit = True
        return self.hit


def test_a_deadline_ends_a_systematic_check_between_variants(healthy: RunningTarget) -> None:
    fuzz = campaign(healthy, operations=["CreateCollaboration"])
    fuzz.support()
    with deadline(Countdown(3)) as limit:
        (tally,) = fuzz.systematic("boundary")
    assert limit.hit
    assert tally.variants + tally.skipped == 3
    planned = len(generate("boundary", "CreateCollaboration").variants)
    assert f"cut short: the test's budget ran out after 3 of {planned} variants" in tally.note
    (whole,) = fuzz.systematic("boundary")  # outside the deadline: every variant
    assert whole.variants + whole.skipped == planned
    assert "cut short" not in whole.note
