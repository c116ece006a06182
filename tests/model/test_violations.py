from __future__ import annotations

import dataclasses

import pytest

from conformance.model.violations import Violation, ViolationKind


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
    with pytest.raises(dataclasses.FrozenInstanceError):
        violation.path = "y"  # type: ignore[misc]


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
