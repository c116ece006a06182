from __future__ import annotations

import pytest

from conformance.scenario.format import SOURCE_KEYS, Evidence, EvidenceLevel, Step, is_ambiguity_key

INF, D, M = EvidenceLevel.INFERRED, EvidenceLevel.DOCUMENTED, EvidenceLevel.MODEL


def test_evidence_levels_order_by_strength_not_by_spelling() -> None:
    assert INF < D < M
    assert M > D > INF
    assert INF <= INF
    assert M >= D
    assert sorted([M, INF, D]) == [INF, D, M]
    assert max(D, INF) is D
    assert EvidenceLevel("documented") is D
    assert INF < "documented"
    assert D < "model"
    assert not INF > "documented"
    with pytest.raises(TypeError):
        _ = INF < "strong"


def test_evidence_keys_and_spec_keys() -> None:
    assert Evidence(INF, "UG-CR, A5").keys == ("UG-CR", "A5")
    assert str(Evidence(D, "UG-CR")) == "documented: UG-CR"
    assert {"A1", "A18", "MODEL", "UG-CR", "SMITHY"} <= SOURCE_KEYS
    assert "A19" not in SOURCE_KEYS
    assert is_ambiguity_key("A12")
    assert not is_ambiguity_key("API-UCR")
    assert not is_ambiguity_key("A")


def test_step_label_and_line_lookup() -> None:
    step = Step(
        index=2,
        line=10,
        actor="creator",
        operation="GetCollaboration",
        params={},
        evidence=Evidence(M, "MODEL"),
        lines={"a": 11, "a.b": 12, "a.b[0]": 13, "x['1']": 14},
    )
    assert step.label == "step 2 GetCollaboration"
    assert step.line_of("a.b[0].c") == 13
    assert step.line_of("a.b[1]") == 12
    assert step.line_of("a.z") == 11
    assert step.line_of("x['1'].status") == 14
    assert step.line_of("") == 10
    assert step.line_of("q") == 10
