from __future__ import annotations

import copy
import json
from pathlib import Path

from conformance.fuzz import drift
from conformance.model.service import operation_names

STORED = Path(__file__).resolve().parents[2] / "scenarios" / drift.CHECKSUMS_FILE


def test_the_stored_checksums_match_the_installed_model() -> None:
    found = drift.compare(drift.load(STORED))
    assert not found.breaking
    assert found.added == ()
    assert found.docs_changed == ()


def test_checksums_cover_every_operation_and_are_stable() -> None:
    first = drift.checksums()
    assert set(first) == set(operation_names())
    assert first == drift.checksums()


def test_a_changed_shape_fails_and_names_the_scenarios_to_review(tmp_path: Path) -> None:
    stored = copy.deepcopy(drift.document())
    stored["operations"]["ListMembers"]["shape"] = "0" * 64
    stored["operations"]["GetCollaboration"]["docs"] = "0" * 64
    del stored["operations"]["ListMemberships"]
    stored["operations"]["GoneOperation"] = {"shape": "x", "docs": "y"}
    found = drift.compare(stored)
    assert found.changed == ("ListMembers",)
    assert found.removed == ("GoneOperation",)
    assert found.added == ("ListMemberships",)
    assert found.docs_changed == ("GetCollaboration",)
    assert found.breaking
    scenario = tmp_path / "uses.yaml"
    scenario.write_text("steps:\n  - {as: creator, call: ListMembers}\n  - as: creator\n    call: 'GetCollaboration'\n")
    (tmp_path / "other.yaml").write_text("steps: [{as: creator, call: ListCollaborations}]\n")
    callers = drift.scenarios_calling(["ListMembers", "GoneOperation"], sorted(tmp_path.glob("*.yaml")))
    assert callers == {"GoneOperation": [], "ListMembers": [scenario]}
    text = drift.report(found, callers)
    assert "changed: ListMembers — review: " in text
    assert str(scenario) in text
    assert "update" in text


def test_update_writes_a_file_that_compares_clean(tmp_path: Path) -> None:
    path = tmp_path / drift.CHECKSUMS_FILE
    assert drift.main(["update", str(path)]) == 0
    assert json.loads(path.read_text())["botocore"]
    assert not drift.compare(drift.load(path)).breaking
    assert drift.main([]) == 2
