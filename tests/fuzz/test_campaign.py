from __future__ import annotations

from pathlib import Path

from conformance.fuzz.seeds import CORE_OPERATIONS
from conformance.targets import RunningTarget
from tests.fuzz.conftest import campaign


def test_support_finds_the_fourteen_operations_of_the_reference(healthy: RunningTarget) -> None:
    fuzz = campaign(healthy)
    assert fuzz.operations() == CORE_OPERATIONS
    assert len(fuzz.support().unsupported) == 89
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
