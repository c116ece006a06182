"""The one vocabulary: levels order inferred < documented < model, outcomes order by severity."""

from __future__ import annotations

import pytest

from conformance.model.vocabulary import (
    EVIDENCE_LEVELS,
    Evidence,
    EvidenceLevel,
    Outcome,
    level_of,
    strongest,
    weakest,
    worst,
)


def test_levels_order_by_strength_not_by_text() -> None:
    assert EVIDENCE_LEVELS == ("inferred", "documented", "model")
    assert EvidenceLevel.INFERRED < EvidenceLevel.DOCUMENTED < EvidenceLevel.MODEL
    assert EvidenceLevel.DOCUMENTED >= "documented"
    assert not EvidenceLevel.INFERRED >= "documented"
    with pytest.raises(TypeError, match="cannot compare"):
        _ = EvidenceLevel.MODEL < "strong"


def test_strongest_and_weakest() -> None:
    assert strongest(["inferred", "documented"]) is EvidenceLevel.DOCUMENTED
    assert weakest(["model", "documented"]) is EvidenceLevel.DOCUMENTED
    assert strongest([], default=EvidenceLevel.INFERRED) is EvidenceLevel.INFERRED


def test_an_unknown_level_says_which_exist() -> None:
    with pytest.raises(ValueError, match="inferred, documented, model"):
        level_of("strong")


def test_evidence_takes_its_level_as_text_and_keeps_the_enum() -> None:
    evidence = Evidence("inferred", "A4, UG-CR")  # type: ignore[arg-type]
    assert evidence.level is EvidenceLevel.INFERRED
    assert evidence.keys == ("A4", "UG-CR")
    assert str(evidence) == "inferred: A4, UG-CR"


def test_worst_outcome() -> None:
    assert worst(["PASS", "XFAIL"]) is Outcome.XFAIL
    assert worst(["XFAIL", "XPASS", "FAIL"]) is Outcome.FAIL
    assert worst(["FAIL", "ERROR"]) is Outcome.ERROR
    assert worst([]) is Outcome.PASS
