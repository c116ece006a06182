from __future__ import annotations

from dataclasses import replace

import pytest

from conformance.fuzz.judge import Problem
from conformance.fuzz.results import Finding, Tally, no_pass_reason, outcome_of
from conformance.model.vocabulary import EvidenceLevel, Outcome


def test_tally_ids_counts_and_gating() -> None:
    inferred = Finding("x", (Problem("echo", "m", "inferred"),))
    tally = Tally("echo", "GetCollaboration", "FAIL", variants=3, passed=2, failed=1, findings=(inferred,))
    assert tally.check_id == "fuzz:echo:GetCollaboration"
    assert tally.counts() == {"variants": 3, "passed": 2, "failed": 1, "errors": 0, "skipped": 0, "dropped": 0}
    assert tally.ran == 3
    assert tally.gates("inferred")
    assert not tally.gates("documented")
    assert Tally("x", "y", "ERROR", note="broke").gates("model")
    assert outcome_of(1, 1, 2) == "FAIL"
    assert outcome_of(0, 2, 2) == "ERROR"
    assert outcome_of(0, 0, 5) == "PASS"
    assert Finding("y", (Problem("a", "m", "inferred"), Problem("b", "m", "model"))).level == "model"


def test_outcomes_and_levels_are_the_suites_one_vocabulary() -> None:
    """A tally speaks model.vocabulary: its outcome is an Outcome even when given as text, a finding's level an
    EvidenceLevel, and the gate takes either form of a level."""
    tally = Tally("echo", "GetCollaboration", "FAIL", variants=1, failed=1, findings=(Finding("x", ()),))
    assert tally.outcome is Outcome.FAIL
    assert outcome_of(0, 0, 1) is Outcome.PASS
    assert outcome_of(0, 0, unsupported=True) is Outcome.UNSUPPORTED
    documented = Finding("d", (Problem("a", "m", "inferred"), Problem("b", "m", "documented")))
    assert documented.level is EvidenceLevel.DOCUMENTED
    assert Finding("none", ()).level is EvidenceLevel.MODEL  # no problem: the strongest default, as before
    gated = Tally("echo", "op", Outcome.FAIL, variants=1, failed=1, findings=(documented,))
    assert gated.gates(EvidenceLevel.DOCUMENTED)
    assert gated.gates("inferred")
    assert not gated.gates(EvidenceLevel.MODEL)
    with pytest.raises(ValueError, match="unknown evidence level"):
        gated.gates("strong")


@pytest.mark.parametrize(
    ("ran", "skipped", "dropped", "unsupported", "expected"),
    [
        (None, 0, 0, False, "ERROR"),
        (0, 4, 0, False, "ERROR"),
        (0, 0, 3, False, "ERROR"),
        (0, 0, 0, False, "UNSUPPORTED"),
        (0, 0, 0, True, "UNSUPPORTED"),
    ],
)
def test_a_check_that_ran_no_variant_is_never_a_pass(
    ran: int | None, skipped: int, dropped: int, unsupported: bool, expected: Outcome
) -> None:
    assert outcome_of(0, 0) == "ERROR"  # nothing counted: nothing passed
    assert outcome_of(0, 0, ran, skipped=skipped, dropped=dropped, unsupported=unsupported) == expected


def test_the_reason_says_why_nothing_ran() -> None:
    assert no_pass_reason(0) == "no variant ran: the check has no variant for this operation"
    assert "all 3 were skipped" in no_pass_reason(0, skipped=3)
    assert "all 2 candidates were dropped" in no_pass_reason(0, dropped=2)
    assert "did not count" in no_pass_reason(None)
    assert no_pass_reason(2) == ""


def test_a_tally_built_as_pass_without_variants_is_not_a_pass_and_says_why() -> None:
    empty = Tally("boundary", "GetCollaboration", "PASS")
    assert (empty.outcome, empty.note) == ("UNSUPPORTED", "no variant ran: the check has no variant for this operation")
    skipped = Tally("boundary", "GetCollaboration", "PASS", skipped=2, note="collab: unbound")
    assert skipped.outcome == "ERROR"
    assert skipped.note.startswith("no variant ran: all 2 were skipped")
    assert skipped.note.endswith("; collab: unbound")
    # Counts added afterwards (the campaign adds ``dropped``) are decided again.
    dropped = replace(empty, dropped=4)
    assert dropped.outcome == "ERROR"
    assert dropped.note.startswith("no variant ran: all 4 candidates were dropped")
    assert Tally("boundary", "GetCollaboration", "PASS", variants=2, passed=2).outcome == "PASS"


def test_an_unexplained_error_is_decided_again_from_the_counts() -> None:
    # A caller that does not pass ``ran`` gets ERROR from outcome_of; the tally's own counts settle it.
    assert Tally("b", "Op", outcome_of(0, 0), variants=3, passed=3).outcome == "PASS"
    assert Tally("b", "Op", outcome_of(0, 0), skipped=3).outcome == "ERROR"
    assert Tally("b", "Op", "ERROR", variants=3, passed=3, note="Hypothesis stopped").outcome == "ERROR"
    assert Tally("b", "Op", "UNSUPPORTED", note="not implemented").outcome == "UNSUPPORTED"


def test_valid_inputs_that_were_all_refused_as_planned_are_not_a_pass() -> None:
    """random-valid against always-403: every draw named a made-up id, so every refusal was allowed; nothing works."""
    assert outcome_of(0, 0, 5, succeeded=0) == "ERROR"
    assert outcome_of(0, 0, 5, succeeded=1) == "PASS"
    refused = Tally("random-valid", "ListMembers", "PASS", variants=5, passed=5, skipped=1, succeeded=0)
    assert refused.outcome == "ERROR"
    assert refused.note.startswith("no valid input succeeded: all 5 answers were refusals the plan allows (1 skipped")


def test_skipped_variants_do_not_turn_a_check_that_ran_others_into_an_error() -> None:
    """A caller without ``ran`` (outcome_of ERROR) whose note only lists skipped variants: the counts decide."""
    partly = Tally("enum", "Op", outcome_of(0, 0), variants=4, passed=4, skipped=2, note="skipped: request unbound")
    assert partly.outcome == "PASS"
    assert partly.note == "skipped: request unbound"
    only = Tally("enum", "Op", outcome_of(0, 0), skipped=2, note="skipped: request unbound")
    assert only.outcome == "ERROR"
    assert only.note.startswith("no variant ran: all 2 were skipped")
    assert only.note.endswith("; skipped: request unbound")
