from __future__ import annotations

from conformance.fuzz.judge import Problem
from conformance.fuzz.results import Finding, Tally, outcome_of


def test_tally_ids_counts_and_gating() -> None:
    inferred = Finding("x", (Problem("echo", "m", "inferred"),))
    tally = Tally("echo", "GetCollaboration", "FAIL", variants=3, passed=2, failed=1, findings=(inferred,))
    assert tally.check_id == "fuzz:echo:GetCollaboration"
    assert tally.counts()["variants"] == 3
    assert tally.gates("inferred")
    assert not tally.gates("documented")
    assert Tally("x", "y", "ERROR").gates("model")
    assert outcome_of(0, 0) == "PASS"
    assert outcome_of(1, 1) == "FAIL"
    assert outcome_of(0, 2) == "ERROR"
    assert Finding("y", (Problem("a", "m", "inferred"), Problem("b", "m", "model"))).level == "model"
