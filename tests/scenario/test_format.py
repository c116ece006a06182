from __future__ import annotations

import pytest

from conformance.scenario.format import Alternative, Evidence, EvidenceLevel, Step

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


def test_evidence_keys() -> None:
    assert Evidence(INF, "UG-CR, A5").keys == ("UG-CR", "A5")
    assert str(Evidence(D, "UG-CR")) == "documented: UG-CR"


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


def test_a_plain_step_accepts_one_answer_and_a_one_of_step_its_alternatives() -> None:
    plain = Step(0, 4, "creator", "GetCollaboration", {}, Evidence(M, "MODEL"), expect={"collaboration": {}})
    assert plain.alternatives == (Alternative(expect={"collaboration": {}}, line=4),)
    assert plain.alternatives[0].success
    errors = (
        Alternative(expect_error={"code": "AccessDeniedException"}, line=7, lines={"code": 7}),
        Alternative(expect_error={"code": "ResourceNotFoundException"}, line=9, lines={"fields.resourceType": 10}),
    )
    one_of = Step(1, 6, "creator", "ListMembers", {}, Evidence(INF, "A16"), expect_one_of=errors)
    assert one_of.alternatives == errors
    assert not any(alternative.success for alternative in one_of.alternatives)
    assert errors[1].line_of("fields.resourceType") == 10
    assert errors[1].line_of("fields.resourceId") == 9
