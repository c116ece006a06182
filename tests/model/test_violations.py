from __future__ import annotations

import dataclasses

import pytest

from conformance.model.shapecheck import check_error_body
from conformance.model.violations import Violation, ViolationKind
from conformance.model.vocabulary import EvidenceLevel


@pytest.mark.parametrize(
    ("violation", "text"),
    [
        (Violation("a.b[0]", ViolationKind.ENUM, "expected X, found 'Y'"), "a.b[0]: expected X, found 'Y'"),
        (Violation("", ViolationKind.STATUS, "expected 204, got 200"), "expected 204, got 200"),
    ],
)
def test_str_is_path_then_message(violation: Violation, text: str) -> None:
    assert str(violation) == text


def test_defaults_to_model_evidence_and_is_frozen() -> None:
    violation = Violation("x", ViolationKind.PATTERN, "m")
    assert violation.evidence == "model"
    assert violation.evidence is EvidenceLevel.MODEL
    with pytest.raises(dataclasses.FrozenInstanceError):
        violation.path = "y"  # type: ignore[misc]


def test_the_shape_checker_levels_are_the_vocabulary_s() -> None:
    # One level type for the whole suite: a reading of the model is EvidenceLevel.INFERRED, not the text.
    (found,) = check_error_body("ConflictException", {"Message": "taken", "reason": "ALREADY_EXISTS"})
    assert found.evidence is EvidenceLevel.INFERRED
    assert found.evidence < EvidenceLevel.MODEL


def test_kinds_are_stable_report_names() -> None:
    assert {kind.value for kind in ViolationKind} == {
        "missing-required",
        "wrong-type",
        "enum",
        "length",
        "range",
        "item-count",
        "pattern",
        "unknown-member",
        "union",
        "timestamp",
        "status",
        "error-type",
        "body",
        "undeclared-error",
    }
    assert ViolationKind("item-count") is ViolationKind.ITEM_COUNT
    assert f"{ViolationKind.UNION}" == "union"
